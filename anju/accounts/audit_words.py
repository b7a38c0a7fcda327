"""The words of the audit rows accounts write (read by anju.audit.words)."""

from django.utils.translation import pgettext_lazy

from .backends import LOCKED_OUT, LOGIN_FAILED, LOGIN_REFUSED_LOCKED

ACTIONS = {
    "auth.login": pgettext_lazy("audit action", "Signed in"),
    LOGIN_FAILED: pgettext_lazy("audit action", "Sign-in failed"),
    LOCKED_OUT: pgettext_lazy("audit action", "Account locked after failed sign-ins"),
    LOGIN_REFUSED_LOCKED: pgettext_lazy("audit action", "Sign-in refused: account locked"),
    "auth.idle_timeout": pgettext_lazy("audit action", "Signed out after inactivity"),
    "user.create": pgettext_lazy("audit action", "Account created"),
    "user.update": pgettext_lazy("audit action", "Account changed"),
    "user.activate": pgettext_lazy("audit action", "Account enabled"),
    "user.deactivate": pgettext_lazy("audit action", "Account disabled"),
    "role.assign": pgettext_lazy("audit action", "Role assigned"),
    "role.revoke": pgettext_lazy("audit action", "Role withdrawn"),
    "token.create": pgettext_lazy("audit action", "Device key issued"),
    "token.revoke": pgettext_lazy("audit action", "Device key revoked"),
    "auth.password_accepted": pgettext_lazy("audit action", "Password accepted, second factor asked"),
    "auth.second_factor_missing": pgettext_lazy("audit action", "Signed out: second factor not set up"),
    "otp.enrol": pgettext_lazy("audit action", "Second factor set up"),
    "otp.turn_off": pgettext_lazy("audit action", "Second factor turned off"),
    "otp.reset": pgettext_lazy("audit action", "Second factor reset by an administrator"),
    "otp.recovery_codes_renewed": pgettext_lazy("audit action", "Recovery codes renewed"),
    "otp.recovery_code_used": pgettext_lazy("audit action", "Recovery code used"),
}
