"""Forms of the reinstall pages.

ReinstallForm is built from one instance and the live CPS catalogue, and every
choice it accepts is one that catalogue offers: a hand-made POST with another
OS, RAID level or software is a form error, never a request.
"""

import json
import string
import uuid
from datetime import timedelta

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Fieldset, Layout, Row, Submit
from django import forms
from django.forms.utils import ErrorDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cpsadmin.cps.client import Instance, Os, Raid, Software
from cpsadmin.reinstalls import catalogue
from cpsadmin.reinstalls.models import Decision, ImageType, ReinstallRequest

# The only special characters a password may hold
# (§11 of docs/reference/jdcloud-cps-api.md).
PASSWORD_SPECIALS = "()`~!@#$%^&*_-+=|{}[]:\";'<>,.?/"  # noqa: S105
PASSWORD_MIN, PASSWORD_MAX = 8, 30
PASSWORD_CLASSES = (
    set(string.ascii_uppercase),
    set(string.ascii_lowercase),
    set(string.digits),
    set(PASSWORD_SPECIALS),
)


def password_rule() -> str:
    """The §11 rule as HTML help text (crispy renders help text unescaped)."""
    return format_html(
        _(
            "8 to 30 characters, using at least three of: upper-case letters, "
            "lower-case letters, digits, and the special characters {}. "
            "No other characters are allowed, spaces included."
        ),
        format_html("<code>{}</code>", PASSWORD_SPECIALS),
    )


KEEP_DATA_CHOICES = [
    ("yes", _("Yes: keep the data disks as they are")),
    ("no", _("No: wipe the data disks")),
]

# Statuses CPS documents, plus the simulator's transitions; others show as-is.
# Templates show a status with {% translate status context "server status" %},
# which finds these labels.
KNOWN_STATUSES = {
    "running": pgettext_lazy("server status", "running"),
    "stopped": pgettext_lazy("server status", "stopped"),
    "error": pgettext_lazy("server status", "error"),
    "starting": pgettext_lazy("server status", "starting"),
    "stopping": pgettext_lazy("server status", "stopping"),
    "restarting": pgettext_lazy("server status", "restarting"),
    "reinstalling": pgettext_lazy("server status", "reinstalling"),
}


def check_cps_password(value: str) -> list[str]:
    """The ways a password breaks the CPS rule; empty when it is fine.

    The messages never quote the password, not even one character of it.
    """
    problems = []
    if not PASSWORD_MIN <= len(value) <= PASSWORD_MAX:
        problems.append(_("The password must be 8 to 30 characters long."))
    allowed = set().union(*PASSWORD_CLASSES)
    if any(char not in allowed for char in value):
        problems.append(
            _(
                "The password holds a character that is not allowed: use only "
                "letters, digits and the listed special characters."
            )
        )
    classes = sum(1 for chars in PASSWORD_CLASSES if chars.intersection(value))
    if classes < 3:
        problems.append(
            _(
                "The password must mix at least three of: upper-case letters, "
                "lower-case letters, digits and special characters."
            )
        )
    return problems


def software_key(software: Software) -> str:
    return f"{software.name}=={software.version}"


def software_label(software: Software) -> str:
    label = f"{software.name} {software.version}"
    if software.description:
        label += f" ({software.description})"
    return label


def os_choices(images: list[Os]) -> list:
    """OS images grouped by family (osType), families and names sorted."""
    families: dict[str, list] = {}
    for image in sorted(images, key=lambda os: os.os_name):
        family = image.os_type or str(_("Other"))
        families.setdefault(family, []).append((image.os_type_id, image.os_name))
    grouped = [
        (family_label(family, families[family]), families[family])
        for family in sorted(families)
    ]
    return [("", _("Choose an operating system"))] + grouped


def family_label(family: str, choices: list) -> str:
    """The family as its OS names spell it: "centos" is shown as "CentOS"."""
    for _os_type_id, os_name in choices:
        if os_name.casefold().startswith(family.casefold()):
            return os_name[: len(family)]
    return family


def raid_choices(raids: list[Raid]) -> list:
    choices = [("", _("Choose a RAID level"))]
    for raid in raids:
        label = f"{raid.raid_type} · {raid.volume_detail}"
        if raid.description:
            label += f" · {raid.description}"
        choices.append((raid.raid_type_id, label))
    return choices


class SoftwareChoices:
    """The software part of the form, shared by the form and its htmx swap.

    `software_state` tells the fragment what to show: nothing (Standard
    image), a prompt to pick an OS, "nothing offered", or the select.
    """

    selected_image_type: str
    selected_os_type_id: str
    software_list: list[Software] | None

    def _software_field(self) -> forms.MultipleChoiceField:
        return forms.MultipleChoiceField(
            label=_("Software to pre-install"),
            required=False,
            choices=[
                (software_key(s), software_label(s)) for s in self.software_list or ()
            ],
            widget=forms.SelectMultiple(attrs={"size": 5}),
            help_text=_("Optional. Hold Ctrl or Cmd to choose more than one."),
        )

    @property
    def software_state(self) -> str:
        if self.selected_image_type != ImageType.STANDARD_APP:
            return "hidden"
        if not self.selected_os_type_id:
            return "choose_os"
        if not self.software_list:
            return "none"
        return "offered"


class SoftwareOptionsForm(SoftwareChoices, forms.Form):
    """Just the software select, for the htmx swap when the OS changes."""

    def __init__(self, *, image_type: str, os_type_id: str, software_list):
        super().__init__()
        self.selected_image_type = image_type
        self.selected_os_type_id = os_type_id
        self.software_list = software_list
        self.fields["softwares"] = self._software_field()


class ReinstallForm(SoftwareChoices, forms.Form):
    """What a requester asks CPS to reinstall one stopped server with.

    Built with the instance (from describeInstance) and the cached catalogue
    for its region and device type. With `offline=True` the catalogue is not
    read (CPS failed): the form only echoes what was typed, and is never valid.
    """

    az = forms.CharField(
        label=_("Availability zone"),
        required=False,
        disabled=True,
        help_text=_("The server's own zone; it cannot change."),
    )
    os_type_id = forms.ChoiceField(label=_("Operating system"))
    image_type = forms.ChoiceField(
        label=_("Image type"),
        choices=ImageType.choices,
        initial=ImageType.STANDARD,
        widget=forms.RadioSelect,
        help_text=_("Standard_app can pre-install software offered for the OS."),
    )
    softwares = forms.MultipleChoiceField(required=False)
    sys_raid_type_id = forms.ChoiceField(label=_("System disk RAID"))
    data_raid_type_id = forms.ChoiceField(label=_("Data disk RAID"))
    keep_data = forms.ChoiceField(
        label=_("Keep the data on the data disks?"),
        choices=KEEP_DATA_CHOICES,
        widget=forms.RadioSelect(
            attrs={"data-reveal": "#wipe-confirmation", "data-reveal-when": "no"}
        ),
    )
    confirm_name = forms.CharField(
        label=_("Type the instance name to confirm the wipe"),
        required=False,
        max_length=128,
    )
    password = forms.CharField(
        label=_("New root / Administrator password"),
        strip=False,
        max_length=64,
        widget=forms.PasswordInput(
            render_value=False, attrs={"autocomplete": "new-password"}
        ),
    )
    password_confirm = forms.CharField(
        label=_("Password, again"),
        strip=False,
        max_length=64,
        widget=forms.PasswordInput(
            render_value=False, attrs={"autocomplete": "new-password"}
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this server needs reinstalling; kept on the record."),
    )
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data=None,
        *,
        instance: Instance | None,
        offline: bool = False,
        **kwargs,
    ):
        super().__init__(data, **kwargs)
        self.instance = instance
        self.offline = offline
        self.region = instance.region if instance else ""

        self.fields["az"].initial = instance.az if instance else ""
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)
            if instance:
                self.initial.setdefault("os_type_id", instance.os_type_id)
                self.initial.setdefault("sys_raid_type_id", instance.sys_raid_type_id)
                self.initial.setdefault("data_raid_type_id", instance.data_raid_type_id)

        self.selected_image_type = self["image_type"].value() or ""
        self.selected_os_type_id = ""
        self.software_list = None
        if offline:
            self._echo_choices()
        else:
            self._load_catalogue()
        self.fields["softwares"] = self._software_field()
        self.fields["password"].help_text = password_rule()
        self._add_htmx_attributes()
        self.helper = self._build_helper()

    # --- Building ------------------------------------------------------------

    def _load_catalogue(self) -> None:
        """Fill the selects from the catalogue; a CpsError goes to the view."""
        region, device_type = self.region, self.instance.device_type
        images = catalogue.os_images(region, device_type)
        self.images = {image.os_type_id: image for image in images}
        self.system_raids = {
            raid.raid_type_id: raid
            for raid in catalogue.system_raids(region, device_type)
        }
        self.data_raids = {
            raid.raid_type_id: raid
            for raid in catalogue.data_raids(region, device_type)
        }

        self.fields["os_type_id"].choices = os_choices(images)
        self.fields["sys_raid_type_id"].choices = raid_choices(
            list(self.system_raids.values())
        )
        self.fields["data_raid_type_id"].choices = raid_choices(
            list(self.data_raids.values())
        )

        # Software is only asked for when it can be used: Standard_app on an
        # OS the catalogue offers. A tampered OS id never reaches CPS.
        chosen = self["os_type_id"].value() or ""
        if chosen in self.images:
            self.selected_os_type_id = chosen
            if self.selected_image_type == ImageType.STANDARD_APP:
                self.software_list = catalogue.software(region, chosen)

    def _echo_choices(self) -> None:
        """Without a catalogue, offer back exactly what was submitted."""
        self.images, self.system_raids, self.data_raids = {}, {}, {}
        for name in ("os_type_id", "sys_raid_type_id", "data_raid_type_id"):
            value = self.data.get(name, "")
            self.fields[name].choices = [(value, value)]
        self.selected_os_type_id = self.data.get("os_type_id", "")
        if self.selected_image_type == ImageType.STANDARD_APP:
            self.software_list = [
                Software(*key.partition("==")[::2], self.selected_os_type_id)
                for key in self.data.getlist("softwares")
            ]

    def _add_htmx_attributes(self) -> None:
        # Changing the OS or the image type re-fetches the software select.
        # GET requests leave the rest of the form out, so each control names
        # the other one in hx-include, and the region travels in hx-vals.
        swap = {
            "hx-get": reverse("reinstalls:software_options"),
            "hx-target": "#software-options",
            "hx-swap": "outerHTML",
            "hx-indicator": "#software-indicator",
            "hx-vals": json.dumps({"region": self.region}),
        }
        self.fields["os_type_id"].widget.attrs.update(
            swap, **{"hx-include": "[name='image_type']"}
        )
        self.fields["image_type"].widget.attrs.update(
            swap, **{"hx-include": "[name='os_type_id']"}
        )

    @property
    def confirm_phrase(self) -> str:
        if not self.instance:
            return ""
        return self.instance.name or self.instance.instance_id

    @property
    def wipe_chosen(self) -> bool:
        return self["keep_data"].value() == "no"

    def _build_helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_method = "post"
        helper.form_id = "reinstall-form"
        # One line per error: the password can break two rules at once.
        helper.error_text_inline = False
        helper.layout = Layout(
            Fieldset(
                _("Image"),
                "az",
                "os_type_id",
                "image_type",
                HTML(
                    '<span id="software-indicator" class="htmx-indicator '
                    'spinner-border spinner-border-sm text-secondary" role="status">'
                    "</span>"
                ),
                HTML('{% include "htmx/software_options.html" %}'),
            ),
            Fieldset(
                _("Disks"),
                "sys_raid_type_id",
                "data_raid_type_id",
                "keep_data",
                Div(
                    # A template, so that makemessages finds its strings.
                    HTML('{% include "reinstalls/_wipe_warning.html" %}'),
                    Field("confirm_name", autocomplete="off"),
                    css_id="wipe-confirmation",
                    css_class="wipe-warning ps-3 mb-3",
                    hidden=not self.wipe_chosen,
                ),
            ),
            Fieldset(_("Access"), "password", "password_confirm"),
            Fieldset(_("Record"), "reason", "submission_key"),
            StrictButton(
                _("Request the reinstall"), type="submit", css_class="btn-danger"
            ),
        )
        return helper

    # --- Validation ----------------------------------------------------------

    def full_clean(self) -> None:
        if not self.offline:
            super().full_clean()
            return
        self._errors = ErrorDict()
        self.cleaned_data = {}
        self.add_error(
            None,
            _(
                "The choices could not be checked because CPS did not answer. "
                "Nothing was submitted; retry once CPS is back."
            ),
        )

    def clean_os_type_id(self) -> Os:
        return self.images[self.cleaned_data["os_type_id"]]

    def clean_image_type(self) -> str:
        return ImageType(self.cleaned_data["image_type"]).value

    def clean_softwares(self) -> list[Software]:
        # Offered only for Standard_app on a catalogue OS (see _load_catalogue),
        # so any software with Standard fails as "not one of the choices".
        offered = {software_key(s): s for s in self.software_list or ()}
        # A hand-made POST may tick one software twice; CPS gets it once.
        chosen = dict.fromkeys(self.cleaned_data["softwares"])
        return [offered[key] for key in chosen]

    def clean_sys_raid_type_id(self) -> Raid:
        return self.system_raids[self.cleaned_data["sys_raid_type_id"]]

    def clean_data_raid_type_id(self) -> Raid:
        return self.data_raids[self.cleaned_data["data_raid_type_id"]]

    def clean_keep_data(self) -> bool:
        return self.cleaned_data["keep_data"] == "yes"

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        problems = check_cps_password(password)
        if problems:
            raise forms.ValidationError(problems)
        return password

    def clean(self):
        cleaned = super().clean()

        if cleaned.get("keep_data") is False:
            typed = (cleaned.get("confirm_name") or "").strip()
            if not typed:
                self.add_error(
                    "confirm_name",
                    _("Type the instance name to confirm that the data disks go."),
                )
            elif typed != self.confirm_phrase:
                self.add_error(
                    "confirm_name", _("This is not the name of this instance.")
                )

        password = cleaned.get("password")
        if password and password != cleaned.get("password_confirm"):
            self.add_error("password_confirm", _("The two passwords differ."))

        try:
            uuid.UUID(cleaned.get("submission_key") or "")
        except ValueError:
            self.add_error(
                None,
                _("This form is out of date: reload the page and fill it in again."),
            )
        return cleaned

    def request_arguments(self) -> dict:
        """Keyword arguments for services.create_request, from a valid form."""
        data = self.cleaned_data
        return {
            "os": data["os_type_id"],
            "image_type": data["image_type"],
            "sys_raid": data["sys_raid_type_id"],
            "data_raid": data["data_raid_type_id"],
            "keep_data": data["keep_data"],
            "softwares": data["softwares"],
            "password": data["password"],
            "reason": data["reason"],
        }


class ServerFilterForm(forms.Form):
    """Region, search and status filter of the servers page."""

    region = forms.ChoiceField(label=_("Region"))
    q = forms.CharField(
        label=_("Name or id"),
        required=False,
        max_length=128,
        widget=forms.TextInput(
            attrs={"placeholder": _("Search by name or id"), "type": "search"}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *KNOWN_STATUSES.items()],
    )

    def __init__(self, data=None, *, regions: list, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["region"].choices = [
            (region.region, f"{region.region} · {region.region_name}")
            for region in regions
        ]
        if regions:
            self.fields["region"].initial = regions[0].region

        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "server-filter"
        self.helper.form_class = "row g-2 align-items-end mb-3"
        # Typing or choosing re-renders only the rows; the button still
        # filters with a full page load when htmx is not there. The search
        # box's own change event is left out: it fires on blur, as the user
        # clicks a row's Stop or Reinstall, and the swap would eat the click.
        self.helper.attrs = {
            "hx-get": reverse("reinstalls:servers"),
            "hx-trigger": (
                "change from:#id_region, change from:#id_status, "
                "input changed delay:400ms from:#id_q, submit"
            ),
            "hx-target": "#server-rows",
            "hx-swap": "outerHTML",
            "hx-indicator": "#server-indicator",
            # The URL keeps the region and filters, for reload, back and links.
            "hx-push-url": "true",
        }
        self.helper.layout = Layout(
            Div("region", css_class="col-sm-3"),
            Div("q", css_class="col-sm-4"),
            Div("status", css_class="col-sm-2"),
            Div(
                Submit("filter", _("Filter"), css_class="btn-secondary mb-3"),
                css_class="col-sm-auto",
            ),
        )

    def chosen(self) -> tuple[str, str, str]:
        """(region, search, status) from the query, each falling back to 'all'."""
        region = self.fields["region"].initial or ""
        if not self.is_bound or not self.is_valid():
            valid = getattr(self, "cleaned_data", {})
            return valid.get("region", region), valid.get("q", ""), ""
        data = self.cleaned_data
        return data["region"], data["q"].strip(), data["status"]


# --- Approvals -------------------------------------------------------------------

AGE_CHOICES = [
    ("", _("Any age")),
    ("1", _("Waiting over 1 hour")),
    ("6", _("Waiting over 6 hours")),
    ("12", _("Waiting over 12 hours")),
]
KEEP_DATA_FILTER_CHOICES = [
    ("", _("Keep data: any")),
    ("yes", _("Keeps data")),
    ("no", _("Wipes data")),
]


class ApprovalFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    requester = forms.ChoiceField(label=_("Requester"), required=False)
    keep_data = forms.ChoiceField(
        label=_("Data disks"), choices=KEEP_DATA_FILTER_CHOICES, required=False
    )
    age = forms.ChoiceField(label=_("Age"), choices=AGE_CHOICES, required=False)

    def __init__(self, *args, regions=(), requesters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions"))] + [
            (region, region) for region in regions
        ]
        self.fields["requester"].choices = [("", _("All requesters"))] + [
            (name, name) for name in requesters
        ]
        self.helper = FormHelper()
        # The page's <form> carries the hx-get that swaps the rows.
        self.helper.form_tag = False
        self.helper.form_show_labels = False
        self.helper.layout = Layout(
            Row(
                Column(Field("region"), css_class="col-md-3"),
                Column(Field("requester"), css_class="col-md-3"),
                Column(Field("keep_data"), css_class="col-md-3"),
                Column(Field("age"), css_class="col-md-3"),
            )
        )

    def apply(self, reqs: list[ReinstallRequest]) -> list[ReinstallRequest]:
        """The requests that pass the chosen filters (all when it is invalid)."""
        if not self.is_valid():
            return reqs
        data = self.cleaned_data
        if data["region"]:
            reqs = [r for r in reqs if r.region == data["region"]]
        if data["requester"]:
            reqs = [r for r in reqs if r.requester.get_username() == data["requester"]]
        if data["keep_data"]:
            keep = data["keep_data"] == "yes"
            reqs = [r for r in reqs if r.keep_data == keep]
        if data["age"]:
            cutoff = timezone.now() - timedelta(hours=int(data["age"]))
            reqs = [r for r in reqs if r.created_at <= cutoff]
        return reqs


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        # The panel owns the <form>, with one button per decision.
        self.helper.form_tag = False


class RejectForm(DecisionForm):
    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(_("Please say why you reject this request."))
        return comment


# Request ids are 64-bit; a bigger number names no request and no database
# column can hold it.
MAX_REQUEST_ID = 2**63 - 1


def _request_id(value) -> int:
    pk = int(value)
    if pk > MAX_REQUEST_ID:
        raise ValueError(f"{pk} is not a request id")
    return pk


class BulkDecisionForm(DecisionForm):
    ids = forms.TypedMultipleChoiceField(coerce=_request_id, choices=())
    decision = forms.ChoiceField(choices=Decision.choices)

    def __init__(self, *args, pks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(pk, pk) for pk in pks]
        self.fields["ids"].error_messages["required"] = _("Tick at least one request.")
        self.helper.layout = Layout(Field("comment"))

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == Decision.REJECT
            and not data.get("comment", "").strip()
        ):
            self.add_error("comment", _("Please say why you reject these requests."))
        return data
