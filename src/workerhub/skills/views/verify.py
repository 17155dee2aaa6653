"""Public certificate verification pages (SPEC §3.6): ``/verify/`` looks a certificate up by number and holder
name, ``/verify/<token>`` is what a certificate's QR code opens. Anyone may use them; they share the API's
per-client rate limit and show exactly what the API answers (selectors.verify_*), never more."""

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from workerhub.core import ratelimit

from .. import selectors
from ..models import Certificate

# The API's counter (skills/api.py RATE_SCOPE): pages and API together make one client's budget.
RATE_SCOPE = "certificate-verify"
STATUS_LABELS = {"valid": _("有效"), "revoked": _("已撤销"), "not_found": _("未找到")}
STATUS_BADGES = {"valid": "done", "revoked": "failed", "not_found": ""}


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("证书编号"), max_length=40,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                           "spellcheck": "false",
                                                           "placeholder": "S013333000001244000123"}))
    name = forms.CharField(label=_("持证人姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "off"}))


def _card(answer: dict) -> dict:
    """The answer plus its labels for the template (no decisions beyond naming what the selector said)."""
    kinds = dict(Certificate.Kind.choices)
    return {**answer, "status_label": STATUS_LABELS[answer["status"]], "badge": STATUS_BADGES[answer["status"]],
            "kind_label": kinds.get(answer.get("kind"), "")}


def _limited(request, template: str, context: dict):
    refusal = ratelimit.hit(request, RATE_SCOPE, settings.CERT_VERIFY_RATE)
    if refusal is None:
        return None
    response = render(request, template, {**context, "limited": True}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response


def verify_form(request):
    form = VerifyForm(request.GET or None)
    context = {"title": _("证书查验"), "form": form, "answer": None, "limited": False}
    if form.is_valid():
        refused = _limited(request, "skills/verify.html", context)
        if refused:
            return refused
        context["answer"] = _card(selectors.verify_by_number(form.cleaned_data["number"], form.cleaned_data["name"]))
    return render(request, "skills/verify.html", context)


def verify_token(request, token: str):
    context = {"title": _("证书查验"), "answer": None, "limited": False}
    refused = _limited(request, "skills/verify_token.html", context)
    if refused:
        return refused
    answer = selectors.verify_by_token(token)
    context["answer"] = _card(answer)
    # A QR code that does not verify, or whose certificate is gone, is a 404 with a page that says so plainly.
    return render(request, "skills/verify_token.html", context, status=404 if answer["status"] == "not_found" else 200)
