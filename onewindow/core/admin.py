from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through their services (audited): the admin may look, never edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def secret_state(value) -> str:
    """What the admin shows of a secret or its hash: whether one is set, never the value."""
    return _("secret set") if value else _("no secret set")


class WriteOnlySecretsForm(forms.ModelForm):
    """Secrets are write-only: the stored value is never rendered (not even in the page's source), the help
    text says whether one is set, a blank input keeps it, and only a newly typed value counts as a change."""

    secret_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.secret_fields:
            field = self.fields[name]
            field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
            field.required = False
            state = secret_state(getattr(self.instance, name, ""))
            field.help_text = _("Currently %(state)s; leave blank to keep it.") % {"state": state}
            self.initial[name] = ""

    def clean(self):
        cleaned = super().clean()
        for name in self.secret_fields:
            if not cleaned.get(name):
                cleaned[name] = getattr(self.instance, name, "")
        return cleaned
