from django import forms

from pmo.core.permissions import ROLE_SCOPES

from .choices import Role
from .selectors import people


class MembershipForm(forms.Form):
    user = forms.ModelChoiceField(queryset=people(), label="Person")
    role = forms.ChoiceField(choices=Role.choices)

    def __init__(self, *args, level: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people()
        allowed = ROLE_SCOPES[level]
        self.fields["role"].choices = [
            (value, label) for value, label in Role.choices if value in allowed
        ]
