"""Roles, the permissions each role carries, and the levels it may be assigned on.

This table is the one place that says what a role may do; scoping (anju.core.scoping) turns a
user's role assignments into region-code prefixes per permission."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.regions.choices import Level


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    MEDIATOR = "mediator", _("Mediator")
    TOWNSHIP_OFFICER = "township_officer", _("Township political-legal officer")
    CENTRE_OPERATOR = "centre_operator", _("Governance centre operator")
    LEADER = "leader", _("Leader")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


class Perm(models.TextChoices):
    REGION_VIEW = "region.view", _("See regions")
    REGION_CHANGE = "region.change", _("Change regions")
    STAFF_VIEW = "staff.view", _("See staff")
    USER_MANAGE = "user.manage", _("Manage users and roles")
    AUDIT_VIEW = "audit.view", _("Read the audit log")
    CASE_VIEW = "case.view", _("See cases")
    CASE_HANDLE = "case.handle", _("Register and handle cases")
    CASE_DISPATCH = "case.dispatch", _("Dispatch and supervise cases")
    # Tips (线索) are the political-legal committee's own work: separate permissions, so the
    # mediators and grid workers who handle disputes never see them.
    TIP_VIEW = "tip.view", _("See tips")
    TIP_HANDLE = "tip.handle", _("Register and verify tips")
    TIP_DISPATCH = "tip.dispatch", _("Assign, supervise and close tips")
    # Work reports: the templates are configuration, kept by administrators; issuing a report gives
    # it a document number and fixes its figures, which is the office's act, not every reader's.
    REPORT_TEMPLATE = "report.template", _("Keep work report templates")
    REPORT_ISSUE = "report.issue", _("Issue work reports")


_CASE_WORK = {Perm.REGION_VIEW, Perm.STAFF_VIEW, Perm.CASE_VIEW, Perm.CASE_HANDLE}
_TIP_WORK = {Perm.TIP_VIEW, Perm.TIP_HANDLE, Perm.TIP_DISPATCH}

ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset(_CASE_WORK),
    Role.MEDIATOR: frozenset(_CASE_WORK),
    Role.TOWNSHIP_OFFICER: frozenset(_CASE_WORK | {Perm.CASE_DISPATCH, Perm.REPORT_ISSUE} | _TIP_WORK),
    Role.CENTRE_OPERATOR: frozenset(_CASE_WORK | {Perm.CASE_DISPATCH, Perm.REPORT_ISSUE} | _TIP_WORK),
    # Leaders read everything in their jurisdiction and change nothing; of a tip they read its
    # progress, not who gave it or whom it names (that stays in the handling chain).
    # Leaders sign the work reports of their jurisdiction.
    Role.LEADER: frozenset(
        {Perm.REGION_VIEW, Perm.STAFF_VIEW, Perm.CASE_VIEW, Perm.TIP_VIEW, Perm.REPORT_ISSUE}
    ),
    # The auditor reads the audit log and nothing else (separation of duties, 等保 level 3).
    Role.AUDITOR: frozenset({Perm.AUDIT_VIEW}),
    # The administrator keeps users and configuration, and sees no case content.
    Role.ADMINISTRATOR: frozenset(
        {Perm.REGION_VIEW, Perm.REGION_CHANGE, Perm.STAFF_VIEW, Perm.USER_MANAGE, Perm.REPORT_TEMPLATE}
    ),
}

# Who may be named mediator of a case: people's mediators (调解员), and the township officers and
# centre operators who mediate too. Grid workers register and follow up cases but do not mediate.
MEDIATING_ROLES: frozenset[str] = frozenset({Role.MEDIATOR, Role.TOWNSHIP_OFFICER, Role.CENTRE_OPERATOR})

ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({Level.GRID, Level.VILLAGE}),
    Role.MEDIATOR: frozenset({Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY}),
    Role.TOWNSHIP_OFFICER: frozenset({Level.TOWNSHIP}),
    Role.CENTRE_OPERATOR: frozenset({Level.COUNTY, Level.TOWNSHIP}),
    Role.LEADER: frozenset({Level.COUNTY, Level.TOWNSHIP}),
    Role.AUDITOR: frozenset({Level.COUNTY}),
    Role.ADMINISTRATOR: frozenset({Level.COUNTY, Level.TOWNSHIP}),
}

# Roles that must sign in with a second factor (a TOTP code after the password): the level-3
# protection scheme (等保三级) asks it of those who keep accounts, run the county centre or read the
# audit log. Everyone else may turn it on for themselves.
SECOND_FACTOR_ROLES: frozenset[str] = frozenset({Role.ADMINISTRATOR, Role.CENTRE_OPERATOR, Role.AUDITOR})
