"""The programme health report (read only) and its window (`from`, `to`: Python keywords, hence
the fields set by name)."""

from rest_framework import serializers


def _with_fields(name: str, base: type, fields: dict, doc: str) -> type:
    return type(name, (base,), {**fields, "__doc__": doc, "__module__": __name__})


StatsQuerySerializer = _with_fields(
    "StatsQuerySerializer",
    serializers.Serializer,
    {
        "from": serializers.DateField(
            required=False, help_text="First day (UTC), included; default: 90 days before `to`."
        ),
        "to": serializers.DateField(
            required=False, help_text="Last day (UTC), included; default today."
        ),
    },
    "The window of a report.",
)


def _rate(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text)


class FunnelStepSerializer(serializers.Serializer):
    step = serializers.CharField()
    count = serializers.IntegerField(
        help_text="Mentees of the cohort who reached this step and every one before."
    )
    conversion = _rate("count / the previous step's count (null for the first step or from 0).")
    share_of_signed_up = _rate("count / signed up.")


class StepDaysSerializer(serializers.Serializer):
    from_step = serializers.CharField()
    to_step = serializers.CharField()
    count = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True)


class TimeToHireSerializer(serializers.Serializer):
    hired = serializers.IntegerField(help_text="Mentees hired in the window.")
    median_days_from_sign_up = serializers.FloatField(allow_null=True)
    p90_days_from_sign_up = serializers.FloatField(allow_null=True)
    hired_after_a_mentorship = serializers.IntegerField()
    median_days_from_first_mentorship = serializers.FloatField(allow_null=True)
    p90_days_from_first_mentorship = serializers.FloatField(allow_null=True)


class MentorResponseSerializer(serializers.Serializer):
    answered = serializers.IntegerField(help_text="Requests the mentor accepted or declined.")
    median_hours = serializers.FloatField(allow_null=True)
    p90_hours = serializers.FloatField(allow_null=True)
    expired = serializers.IntegerField()
    expiry_rate = _rate("expired / (answered + expired).")


class CheckInRateSerializer(serializers.Serializer):
    submitted = serializers.IntegerField()
    missed = serializers.IntegerField()
    open = serializers.IntegerField()
    submission_rate = _rate("submitted / (submitted + missed).")


class StalledSerializer(serializers.Serializer):
    flagged = serializers.IntegerField(help_text="Mentees flagged as stalling in the window.")
    open_now = serializers.IntegerField(
        help_text="Mentees with an open flag on an active mentorship now."
    )


class RatingSideSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    distribution = serializers.DictField(
        child=serializers.IntegerField(), help_text='"1" to "5" -> count.'
    )


class RatingsSerializer(serializers.Serializer):
    by_mentees = RatingSideSerializer()
    by_mentors = RatingSideSerializer()


class FiguresSerializer(serializers.Serializer):
    funnel = FunnelStepSerializer(many=True)
    days_between_steps = StepDaysSerializer(many=True)
    time_to_hire = TimeToHireSerializer()
    mentor_response = MentorResponseSerializer()
    checkins = CheckInRateSerializer()
    stalled = StalledSerializer()
    ratings = RatingsSerializer()


class RoleFiguresSerializer(FiguresSerializer):
    target_role = serializers.CharField(
        allow_null=True, help_text="The role's slug; null: no mentee profile."
    )
    name = serializers.CharField()


StatsSerializer = _with_fields(
    "StatsSerializer",
    serializers.Serializer,
    {
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "overall": FiguresSerializer(),
        "by_target_role": RoleFiguresSerializer(many=True),
    },
    "Programme health over the window, overall and by the mentees' target role.",
)
