from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cpsadmin.audit.models import Action, Outcome
from cpsadmin.audit.queries import Cursor


class PageForm(forms.Form):
    """The keyset cursors of a paginated audit list; never rendered."""

    older = forms.CharField(required=False)
    newer = forms.CharField(required=False)

    def _clean_cursor(self, name):
        raw = self.cleaned_data[name].strip()
        if not raw:
            return None
        try:
            return Cursor.parse(raw)
        except ValueError:
            raise forms.ValidationError(_("This page link is broken.")) from None

    def clean_older(self):
        return self._clean_cursor("older")

    def clean_newer(self):
        return self._clean_cursor("newer")


class AuditFilterForm(PageForm):
    """The review page's filters, sent by GET; also drives the export."""

    SORTS = [("newest", _("Newest first")), ("oldest", _("Oldest first"))]

    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action")), *Action.choices],
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Any outcome")), *Outcome.choices],
    )
    region = forms.CharField(label=_("Region"), required=False, max_length=64)
    instance = forms.CharField(label=_("Instance"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Message or instance text, or a request id."),
    )
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORTS)

    # The fields that select events, as opposed to the page or its order.
    FILTERS = (
        "actor",
        "action",
        "outcome",
        "region",
        "instance",
        "date_from",
        "date_to",
        "q",
    )

    def __init__(self, *args, action_url: str = "", results_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_action = action_url
        self.helper.form_id = "audit-filters"
        # htmx swaps only the results table; without JS the form still works.
        self.helper.attrs = {
            "hx-get": action_url,
            "hx-target": f"#{results_id}",
            "hx-push-url": "true",
        }
        self.helper.layout = Layout(
            Row(
                Column("actor", css_class="col-md-2"),
                Column("action", css_class="col-md-2"),
                Column("outcome", css_class="col-md-2"),
                Column("region", css_class="col-md-2"),
                Column("instance", css_class="col-md-2"),
                Column("sort", css_class="col-md-2"),
            ),
            Row(
                Column("date_from", css_class="col-md-2"),
                Column("date_to", css_class="col-md-2"),
                Column("q", css_class="col-md-6"),
                Column(
                    Submit("filter", _("Filter"), css_class="mt-md-4"),
                    css_class="col-md-2",
                ),
            ),
        )

    def clean_actor(self):
        username = self.cleaned_data["actor"].strip()
        if not username:
            return None
        user_model = get_user_model()
        try:
            return user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise forms.ValidationError(_("There is no such user.")) from None

    def clean_q(self):
        return self.cleaned_data["q"].strip()

    def clean_region(self):
        return self.cleaned_data["region"].strip()

    def clean_instance(self):
        return self.cleaned_data["instance"].strip()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    @property
    def newest_first(self) -> bool:
        return self.cleaned_data.get("sort") != "oldest"

    def used_filters(self) -> dict:
        """The filters in force, as plain strings, for the export's record."""
        used = {}
        for name in self.FILTERS:
            value = self.cleaned_data.get(name)
            if value:
                used[name] = value.get_username() if name == "actor" else str(value)
        return used
