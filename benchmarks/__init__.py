"""Page-cost benchmarks: what each cpsadmin page costs next to Django itself.

``python -m benchmarks`` (or ``make bench``) builds a throwaway cpsadmin,
seeds it with realistic data and measures the pages with django.test.Client.
See benchmarks/README.md for how to read the output.
"""
