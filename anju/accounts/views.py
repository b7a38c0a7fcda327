"""Sign-in pages and the administrators' staff pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from anju.core.scoping import get_scoped_or_404
from anju.core.views import post_only, role_required, show_errors, signed_in
from anju.regions.models import Region

from . import actions, tokens
from .forms import AssignRoleForm, LoginForm, UserCreateForm
from .models import ApiToken, RoleAssignment, User

MANAGE = "user.manage"


class LoginView(auth_views.LoginView):
    public = True
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


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
        {"subject": subject, "assignments": assignments, "form": form, "devices": subject.api_tokens.all()},
    )


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
