from django.contrib.auth import get_user_model
from rest_framework import serializers

from ..choices import Role
from ..models import Membership


class UserSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "name", "first_name", "last_name", "email", "job_title"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "portfolio", "program", "project", "created_at"]
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        scopes = [attrs.get(k) for k in ("portfolio", "program", "project") if attrs.get(k)]
        if len(scopes) > 1:
            raise serializers.ValidationError(
                {"non_field_errors": ["Give at most one of portfolio, program, project."]}
            )
        return attrs
