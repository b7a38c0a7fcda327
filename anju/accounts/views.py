"""Sign-in pages (the password, then the second factor), the person's own security pages and the
administrators' staff pages."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from anju.audit.actions import record
from anju.audit.models import Result
from anju.core.middleware import current
from anju.core.scoping import get_scoped_or_404
from anju.core.views import post_only, public, role_required, show_errors, signed_in
from anju.regions.models import Region

from . import actions, otp, tokens
from .backends import LOCKED_OUT, LOGIN_FAILED, locked_until
from .forms import AssignRoleForm, CodeForm, LoginForm, ResetSecondFactorForm, UserCreateForm
from .middleware import SECOND_FACTOR_GIVEN
from .models import ApiToken, RoleAssignment, User

MANAGE = "user.manage"
# The person who has given the right password and still owes the second factor. They are not
# signed in: the session holds only this, so no page and no API call opens to them.
PENDING = "anju_pending_sign_in"
PENDING_SECONDS = 5 * 60
# The secret being set up, kept in the session until a code confirms it.
ENROLLING = "anju_enrolling_secret"


class LoginView(auth_views.LoginView):
    public = True
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        has_factor = otp.factor_of(user) is not None
        if not has_factor and not otp.is_required(user):
            auth_login(self.request, user)
            record(user, "auth.login", user)
            return redirect(self.get_success_url())
        session = self.request.session
        session.cycle_key()
        session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_redirect_url(),
        }
        record(
            user, "auth.password_accepted", user, after={"second_factor": "code" if has_factor else "enrol"}
        )
        return redirect("login_code" if has_factor else "login_enrol")


def _pending_user(request) -> User | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def _finish_sign_in(request, user: User):
    pending = request.session.pop(PENDING)
    request.session.pop(ENROLLING, None)
    auth_login(request, user, backend=pending["backend"])
    request.session[SECOND_FACTOR_GIVEN] = True
    record(user, "auth.login", user, after={"second_factor": True})
    target = pending.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    return target


def _count_failure(request, user: User) -> None:
    """A wrong code counts toward the same lockout as a wrong password."""
    username = user.get_username()
    record(
        None,
        LOGIN_FAILED,
        username=username,
        result=Result.REFUSED,
        object_type="accounts.user",
        object_id=username,
        detail="second factor",
    )
    if locked_until(username, current.get().ip):
        record(
            None,
            LOCKED_OUT,
            username=username,
            result=Result.REFUSED,
            object_type="accounts.user",
            object_id=username,
        )


def _locked_message(until) -> str:
    return _("Too many failed sign-ins: this account is locked until %(until)s. Try again later.") % {
        "until": timezone.localtime(until).strftime("%H:%M")
    }


@public
def login_code(request):
    """The second step: a code from the authenticator app, or a recovery code."""
    user = _pending_user(request)
    if user is None:
        return redirect("login")
    if otp.factor_of(user) is None:
        return redirect("login_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        until = locked_until(user.get_username(), current.get().ip)
        if until:
            request.session.pop(PENDING, None)
            messages.error(request, _locked_message(until))
            return redirect("login")
        if otp.verify(user, form.cleaned_data["code"]):
            return redirect(_finish_sign_in(request, user))
        _count_failure(request, user)
        form.add_error("code", _("That code is wrong, already used or too old."))
    return render(request, "accounts/login_code.html", {"form": form, "person": user})


def _enrolment(request, user: User, *, signing_in: bool):
    # The same key until it is confirmed: reloading the page must not undo what the app has scanned.
    secret = request.session.get(ENROLLING)
    if secret is None:
        secret = otp.new_secret()
        request.session[ENROLLING] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if signing_in:
            until = locked_until(user.get_username(), current.get().ip)
            if until:
                request.session.pop(PENDING, None)
                messages.error(request, _locked_message(until))
                return redirect("login")
        try:
            codes = otp.enrol(user, secret, form.cleaned_data["code"])
        except ValidationError as error:
            if signing_in:
                _count_failure(request, user)
            show_errors(form, error, default_field="code")
        else:
            request.session.pop(ENROLLING, None)
            target = _finish_sign_in(request, user) if signing_in else None
            # Shown in this answer only: the codes are not kept anywhere they could be read again.
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": target or "account:two_factor", "first": True},
            )
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "person": user,
            "qr": otp.qr_svg(otp.provisioning_uri(user, secret)),
            "secret": otp.grouped(secret),
            "signing_in": signing_in,
            "required": otp.is_required(user),
        },
    )


@public
def login_enrol(request):
    """A person whose role requires a second factor and who has none sets it up here, right after
    the password; until they do they are not signed in and reach nothing else."""
    user = _pending_user(request)
    if user is None:
        return redirect("login")
    if otp.factor_of(user) is not None:
        return redirect("login_code")
    return _enrolment(request, user, signing_in=True)


@signed_in
def two_factor(request):
    """The person's own second factor: whether it is on, the recovery codes left, and setting up
    a new authenticator app."""
    factor = otp.factor_of(request.user)
    if factor is None or request.GET.get("new") == "1":
        return _enrolment(request, request.user, signing_in=False)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "factor": factor,
            "left": otp.recovery_codes_left(request.user),
            "required": otp.is_required(request.user),
        },
    )


@post_only
@signed_in
def two_factor_enrol(request):
    return _enrolment(request, request.user, signing_in=False)


@post_only
@signed_in
def recovery_codes_renew(request):
    try:
        codes = otp.regenerate_recovery_codes(request.user)
    except ValidationError:
        return redirect("account:two_factor")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "account:two_factor"})


@post_only
@signed_in
def two_factor_off(request):
    otp.turn_off(request.user)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("account:two_factor")


@role_required(MANAGE)
def user_list(request):
    users = User.objects.visible_to(request.user, MANAGE).prefetch_related("role_assignments__region")
    text = request.GET.get("q", "").strip()
    if text:
        users = users.filter(Q(username__icontains=text) | Q(full_name__icontains=text))
    page = Paginator(users.order_by("username"), 50).get_page(request.GET.get("page"))
    regions = Region.objects.visible_to(request.user, MANAGE)
    form = UserCreateForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.create_user(
                request.user,
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                phone=data["phone"],
                role=data["role"],
                region=data["region"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("accounts:user_detail", user_id=user.pk)
    return render(request, "accounts/user_list.html", {"page": page, "form": form, "q": text})


@role_required(MANAGE)
def user_detail(request, user_id: int):
    subject = get_scoped_or_404(User, request.user, MANAGE, pk=user_id)
    regions = Region.objects.visible_to(request.user, MANAGE)
    form = AssignRoleForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            actions.assign_role(request.user, subject, form.cleaned_data["role"], form.cleaned_data["region"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:user_detail", user_id=subject.pk)
    assignments = RoleAssignment.objects.filter(user=subject).select_related("region")
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": subject,
            "assignments": assignments,
            "form": form,
            "devices": subject.api_tokens.all(),
            "factor": otp.factor_of(subject),
            "factor_required": otp.is_required(subject),
            "reset_form": ResetSecondFactorForm(),
        },
    )


@post_only
@role_required(MANAGE)
def second_factor_reset(request, user_id: int):
    """Take away a person's authenticator (a lost phone): they set up a new one at their next
    sign-in. The reason goes into the audit log."""
    subject = get_scoped_or_404(User, request.user, MANAGE, pk=user_id)
    form = ResetSecondFactorForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the second factor is reset."))
        return redirect("accounts:user_detail", user_id=subject.pk)
    otp.reset(request.user, subject, form.cleaned_data["reason"])
    messages.success(
        request,
        _("%(name)s sets up a new authenticator at their next sign-in.") % {"name": subject.display_name},
    )
    return redirect("accounts:user_detail", user_id=subject.pk)


@post_only
@role_required(MANAGE)
def assignment_revoke(request, user_id: int, assignment_id: int):
    subject = get_scoped_or_404(User, request.user, MANAGE, pk=user_id)
    assignment = get_scoped_or_404(RoleAssignment, request.user, MANAGE, pk=assignment_id, user=subject)
    actions.revoke_role(request.user, assignment)
    messages.success(request, _("Role revoked."))
    return redirect("accounts:user_detail", user_id=subject.pk)


@post_only
@role_required(MANAGE)
def user_set_active(request, user_id: int):
    subject = get_scoped_or_404(User, request.user, MANAGE, pk=user_id)
    active = request.POST.get("active") == "1"
    actions.set_active(request.user, subject, active)
    if active:
        messages.success(request, _("%(name)s can sign in again.") % {"name": subject.display_name})
    else:
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": subject.display_name})
    return redirect("accounts:user_detail", user_id=subject.pk)


def _revoked_message(request, token: ApiToken, changed: bool) -> None:
    if changed:
        messages.success(request, _("The device %(name)s can no longer sign in.") % {"name": token.name})
    else:
        messages.info(request, _("The device %(name)s was already revoked.") % {"name": token.name})


@signed_in
def my_devices(request):
    """The signed-in person's own devices: a lost phone is revoked here, without an administrator."""
    return render(request, "accounts/my_devices.html", {"devices": request.user.api_tokens.all()})


@post_only
@signed_in
def my_device_revoke(request, token_id: int):
    token = get_object_or_404(request.user.api_tokens.all(), pk=token_id)
    _revoked_message(request, token, tokens.revoke_token(request.user, token))
    return redirect("account:devices")


@role_required(MANAGE)
def token_list(request):
    """The devices of the staff an administrator keeps, newest first."""
    devices = ApiToken.objects.visible_to(request.user, MANAGE).select_related("user")
    text = request.GET.get("q", "").strip()
    if text:
        devices = devices.filter(
            Q(user__username__icontains=text) | Q(user__full_name__icontains=text) | Q(name__icontains=text)
        )
    page = Paginator(devices, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/token_list.html", {"page": page, "q": text})


@post_only
@role_required(MANAGE)
def token_revoke(request, token_id: int):
    token = get_scoped_or_404(ApiToken, request.user, MANAGE, pk=token_id)
    _revoked_message(request, token, tokens.revoke_token(request.user, token))
    if request.POST.get("back") == "user":
        return redirect("accounts:user_detail", user_id=token.user_id)
    return redirect("accounts:token_list")
