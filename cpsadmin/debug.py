"""Error reports that hide secrets with DEBUG on too.

Django cleanses what sensitive_post_parameters and sensitive_variables name
only while DEBUG is off. `make run` serves the demo with DEBUG on, and a
reinstall password must not appear on its error pages either.
"""

from django.views.debug import SafeExceptionReporterFilter


class AlwaysSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    def is_active(self, request) -> bool:
        return True
