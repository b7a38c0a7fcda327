from __future__ import annotations

from ninja import Query, Router, Schema
from pydantic import Field

from anju.core.api import perm_auth, signed_in_auth
from anju.core.scoping import get_scoped_or_404

from .choices import ROLE_PERMS
from .models import User

router = Router(tags=["accounts"])


class AssignmentOut(Schema):
    role: str
    role_label: str
    region_code: str
    region_name: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    language: str
    assignments: list[AssignmentOut]
    permissions: list[str]


class UserOut(Schema):
    id: int
    username: str
    name: str
    is_active: bool
    assignments: list[AssignmentOut]


def _assignments(user: User) -> list[dict]:
    return [
        {
            "role": a.role,
            "role_label": str(a.get_role_display()),
            "region_code": a.region_id,
            "region_name": a.region.name,
        }
        for a in user.role_assignments.select_related("region").order_by("region_id", "role")
    ]


@router.get("/me", response=MeOut, auth=signed_in_auth)
def me(request):
    user = request.auth
    assignments = _assignments(user)
    perms = sorted({p for a in assignments for p in ROLE_PERMS.get(a["role"], ())})
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.display_name,
        "language": request.LANGUAGE_CODE,
        "assignments": assignments,
        "permissions": perms,
    }


class UserFilter(Schema):
    q: str | None = Field(None, max_length=50)
    limit: int = Field(100, ge=1, le=500)


@router.get("/users", response=list[UserOut], auth=perm_auth("user.manage"))
def list_users(request, filters: Query[UserFilter]):
    users = User.objects.visible_to(request.auth, "user.manage").order_by("username")
    if filters.q:
        users = users.filter(username__icontains=filters.q)
    return [
        {
            "id": u.pk,
            "username": u.username,
            "name": u.display_name,
            "is_active": u.is_active,
            "assignments": _assignments(u),
        }
        for u in users[: filters.limit]
    ]


@router.get("/users/{user_id}", response=UserOut, auth=perm_auth("user.manage"))
def get_user(request, user_id: int):
    u = get_scoped_or_404(User, request.auth, "user.manage", pk=user_id)
    return {
        "id": u.pk,
        "username": u.username,
        "name": u.display_name,
        "is_active": u.is_active,
        "assignments": _assignments(u),
    }
