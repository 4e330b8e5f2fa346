"""Email from a record's staff page: a roundtable's participants ("Email the participants", the
invitation with its .ics) and a candidate's portal users and contacts ("Email this candidate").

The form shows the purpose's template in each language its recipients read, to adjust before
sending, and a short message; the confirmation lists who gets which language, who cannot be emailed
and what each language's email will say; confirmed, `services.roundtable_email_participants` /
`services.candidate_email` send and log it. Network staff and the candidate's lead only
(`selectors.may_email_about`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView

from core.confirm import ConfirmFirstMixin
from onboarding import selectors, services
from onboarding.admin_views import OnboardingAdminMixin, _candidate_or_404, _roundtable_or_404
from onboarding.message_texts import PLACEHOLDERS, placeholder_problems
from onboarding.models import MessageTemplate
from onboarding.selectors import Recipient


class RecordEmailForm(forms.Form):
    """The short message, then the subject and body of each language the recipients read (prefilled
    from the purpose's template); for a candidate, who to write to."""

    message = forms.CharField(
        label=gettext_lazy("Short message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("Put where the text says {message}: the same words in every language."),
    )

    def __init__(
        self,
        *args: Any,
        purpose: str,
        recipients: list[Recipient],
        choose_audience: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.purpose = purpose
        self.choose_audience = choose_audience
        template = MessageTemplate.for_purpose(purpose)
        names = dict(settings.LANGUAGES)
        counts: dict[str, int] = {}
        for recipient in recipients:
            if recipient.address:
                counts[recipient.language] = counts.get(recipient.language, 0) + 1
        self.languages = [code for code, _name in settings.LANGUAGES if code in counts]
        if choose_audience:
            self.fields["portal_users"] = forms.BooleanField(
                label=gettext_lazy("Its portal users"), required=False, initial=True
            )
            self.fields["contacts"] = forms.BooleanField(
                label=gettext_lazy("Its host organisation's contacts"), required=False, initial=True
            )
            self.order_fields(["portal_users", "contacts", "message"])
            self.fields["message"].required = True
        for language in self.languages:
            subject, body = template.text_in(language)
            name = names[language]
            readers = ngettext(
                "%(count)s recipient reads %(language)s.", "%(count)s recipients read %(language)s.", counts[language]
            ) % {"count": counts[language], "language": name}
            self.fields[f"subject_{language}"] = forms.CharField(
                label=_("Subject in %(language)s") % {"language": name}, max_length=200, initial=subject
            )
            self.fields[f"body_{language}"] = forms.CharField(
                label=_("Text in %(language)s") % {"language": name},
                widget=forms.Textarea(attrs={"rows": 12}),
                initial=body,
                help_text=readers,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, value in list(data.items()):
            if name.startswith(("subject_", "body_")):
                for problem in placeholder_problems(value or "", PLACEHOLDERS[self.purpose]):
                    self.add_error(name, problem)
        if self.choose_audience and not (data.get("portal_users") or data.get("contacts")):
            raise ValidationError(_("Choose the portal users, the contacts, or both."))
        return data

    def texts(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {language: (data[f"subject_{language}"], data[f"body_{language}"]) for language in self.languages}


class RecordEmailView(OnboardingAdminMixin, ConfirmFirstMixin, FormView):
    template_name = "onboarding/admin/email_compose.html"
    confirm_template_name = "onboarding/admin/email_confirm.html"
    form_class = RecordEmailForm
    header_icon = "mail"
    purpose = ""
    choose_audience = False
    confirm_label = gettext_lazy("Send the emails")

    def recipients(self, form: RecordEmailForm | None = None) -> list[Recipient]:
        raise NotImplementedError

    def values(self, message: str) -> dict[str, str]:
        raise NotImplementedError

    def back_url(self) -> str:
        raise NotImplementedError

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "purpose": self.purpose,
            "recipients": self.recipients(),
            "choose_audience": self.choose_audience,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        recipients = self.recipients()
        context.update(
            recipients=recipients,
            reachable=[r for r in recipients if r.address],
            unreachable=[r for r in recipients if not r.address],
            placeholders=[(f"{{{name}}}", label) for name, label in PLACEHOLDERS[self.purpose].items()],
            back_url=self.back_url(),
            **getattr(self, "confirmation", {}),
        )
        return context

    def consequences(self, form: RecordEmailForm) -> list[str]:
        return []  # the confirmation template lists the recipients and the previews

    def form_valid(self, form: RecordEmailForm) -> HttpResponse:
        recipients = self.recipients(form)
        if not any(r.address for r in recipients):
            form.add_error(None, _("Nobody here has an email address to write to."))
            return self.form_invalid(form)
        if self.request.POST.get("confirmed") not in ("yes", "change"):
            self.confirmation = {
                "chosen": recipients,
                "chosen_reachable": [r for r in recipients if r.address],
                "chosen_unreachable": [r for r in recipients if not r.address],
                "previews": selectors.previews(
                    texts=form.texts(),
                    recipients=recipients,
                    values=lambda: self.values(form.cleaned_data["message"]),
                ),
            }
        return super().form_valid(form)

    def sent_message(self, result: services.EmailsSent) -> str:
        text = ngettext("%(count)s email queued.", "%(count)s emails queued.", len(result.sent)) % {
            "count": len(result.sent)
        }
        if result.unreachable:
            text += " " + ngettext(
                "%(count)s recipient has no usable address and was not emailed.",
                "%(count)s recipients have no usable address and were not emailed.",
                len(result.unreachable),
            ) % {"count": len(result.unreachable)}
        return text


class RoundtableEmailView(RecordEmailView):
    permission_required = "onboarding.view_roundtable"
    page_title = gettext_lazy("Email the participants")
    purpose = MessageTemplate.Purpose.ROUNDTABLE_INVITATION

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.roundtable = _roundtable_or_404(request, kwargs["pk"])
        if not selectors.may_email_about(user=request.user, hotline=self.roundtable.hotline):
            raise PermissionDenied

    def get_page_subtitle(self) -> str:
        return self.roundtable.title

    def recipients(self, form: RecordEmailForm | None = None) -> list[Recipient]:
        if not hasattr(self, "_recipients"):
            self._recipients = selectors.roundtable_recipients(roundtable=self.roundtable)
        return self._recipients

    def values(self, message: str) -> dict[str, str]:
        return selectors.roundtable_values(roundtable=self.roundtable, message=message, sender=self.request.user)

    def back_url(self) -> str:
        return reverse("onboarding_admin:roundtable", args=[self.roundtable.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            attachment=f"{self.roundtable.code}.ics",
            logged_on=self.roundtable.hotline,
        )
        return context

    def confirmed_valid(self, form: RecordEmailForm) -> HttpResponse:
        try:
            result = services.roundtable_email_participants(
                roundtable=self.roundtable,
                message=form.cleaned_data["message"],
                texts=form.texts(),
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.sent_message(result))
        return redirect(self.back_url())


class CandidateEmailView(RecordEmailView):
    permission_required = "onboarding.view_stagechange"
    page_title = gettext_lazy("Email this candidate")
    purpose = MessageTemplate.Purpose.CANDIDATE_MESSAGE
    choose_audience = True

    def prepare(self, request: HttpRequest, **kwargs: Any) -> None:
        self.hotline = _candidate_or_404(request, kwargs["pk"])
        if not selectors.may_email_about(user=request.user, hotline=self.hotline):
            raise PermissionDenied

    def get_page_subtitle(self) -> str:
        return self.hotline.brand_name

    def recipients(self, form: RecordEmailForm | None = None) -> list[Recipient]:
        if form is not None and form.is_bound and hasattr(form, "cleaned_data"):
            return selectors.candidate_recipients(
                hotline=self.hotline,
                portal_users=bool(form.cleaned_data.get("portal_users")),
                contacts=bool(form.cleaned_data.get("contacts")),
            )
        if not hasattr(self, "_recipients"):
            self._recipients = selectors.candidate_recipients(hotline=self.hotline)
        return self._recipients

    def values(self, message: str) -> dict[str, str]:
        return selectors.candidate_values(hotline=self.hotline, message=message, sender=self.request.user)

    def back_url(self) -> str:
        return reverse("onboarding_admin:candidate", args=[self.hotline.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "logged_on": self.hotline}

    def confirmed_valid(self, form: RecordEmailForm) -> HttpResponse:
        try:
            result = services.candidate_email(
                hotline=self.hotline,
                portal_users=bool(form.cleaned_data.get("portal_users")),
                contacts=bool(form.cleaned_data.get("contacts")),
                message=form.cleaned_data["message"],
                texts=form.texts(),
                acting_user=self.request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.sent_message(result))
        return redirect(self.back_url())
