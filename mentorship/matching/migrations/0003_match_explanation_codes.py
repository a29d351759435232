"""Explanations are stored as codes with parameters instead of English sentences.

The field is renamed and every stored match's sentences are converted to codes, so pages keep
their explanations without waiting for the next run. Sentences are matched against the templates
they were written from; a role, skill or background is found by its name (as the sentences wrote
it), and a sentence that no longer matches (a renamed skill, say) is dropped: the next run (the
nightly one at the latest) writes the full explanation again.
"""

import re

from django.db import migrations, models

BATCH = 2000

WORKED_CLOSE = re.compile(r"^Has worked as an? (?P<role>.+), a role close to (?P<target>.+)$")
WORKED = re.compile(r"^Has worked as an? (?P<role>.+)$")
COVERS = re.compile(r"^Covers (?P<covered>\d+) of your (?P<missing>\d+) missing skills(?:: (?P<skills>.+))?$")
HOURS = re.compile(r"^(?P<hours>\d+) hours? of overlap in your working day$")
NO_HOURS = "No overlap in your working hours"
CAME_FROM = re.compile(r"^Also came from (?P<background>.+)$")


def sentences_to_codes(sentences, roles, skills, backgrounds):
    """The codes of one match's sentences. `roles` and `backgrounds` map lower-cased names to
    slugs, `skills` maps names to slugs."""
    codes = []
    for sentence in sentences:
        if match := WORKED_CLOSE.match(sentence):
            role, target = roles.get(match["role"]), roles.get(match["target"])
            if role and target:
                codes.append({"code": "worked_in_close_role", "role": role, "target": target})
        elif match := WORKED.match(sentence):
            if role := roles.get(match["role"]):
                codes.append({"code": "worked_in_role", "role": role})
        elif match := COVERS.match(sentence):
            named = (match["skills"] or "").removesuffix(", ...")
            slugs = [skills.get(name) for name in named.split(", ")] if named else []
            if all(slugs):
                codes.append(
                    {
                        "code": "covers_gap",
                        "covered": int(match["covered"]),
                        "missing": int(match["missing"]),
                        "skills": slugs,
                    }
                )
        elif sentence == NO_HOURS:
            codes.append({"code": "hours_overlap", "hours": 0})
        elif match := HOURS.match(sentence):
            codes.append({"code": "hours_overlap", "hours": int(match["hours"])})
        elif match := CAME_FROM.match(sentence):
            if background := backgrounds.get(match["background"]):
                codes.append({"code": "same_background", "background": background})
    return codes


def _rewrite(apps, rewrite, wanted_type):
    """Rewrite every match's explanation in batches of `BATCH`: `rewrite(value, roles, skills,
    backgrounds)` for each value whose items are all of `wanted_type` (a partly run migration
    leaves the rewritten ones alone), with slug/name maps in the direction `rewrite` needs."""
    Match = apps.get_model("matching", "Match")
    maps = []
    for model in ("Role", "Skill", "Background"):
        pairs = apps.get_model("taxonomy", model).objects.values_list("slug", "name")
        lower = model != "Skill"  # sentences write roles and backgrounds in lower case
        names = {slug: (name.lower() if lower else name) for slug, name in pairs}
        maps.append(names if wanted_type is dict else {name: slug for slug, name in names.items()})
    last = 0
    while True:
        batch = list(Match.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        for match in batch:
            value = match.explanation_codes
            if value and all(isinstance(item, wanted_type) for item in value):
                match.explanation_codes = rewrite(value, *maps)
        Match.objects.bulk_update(batch, ["explanation_codes"])
        last = batch[-1].pk


def convert(apps, schema_editor):
    _rewrite(apps, sentences_to_codes, str)


def _with_article(name):
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"


def codes_to_sentences(codes, roles, skills, backgrounds):
    """The sentences the code before this migration wrote (for a rollback): `roles` and
    `backgrounds` map slugs to lower-cased names, `skills` slugs to names."""
    sentences = []
    for code in codes:
        kind = code.get("code")
        if kind == "worked_in_role":
            sentences.append(f"Has worked as {_with_article(roles.get(code['role'], code['role']))}")
        elif kind == "worked_in_close_role":
            role = _with_article(roles.get(code["role"], code["role"]))
            sentences.append(
                f"Has worked as {role}, a role close to {roles.get(code['target'], code['target'])}"
            )
        elif kind == "covers_gap":
            sentence = f"Covers {code['covered']} of your {code['missing']} missing skills"
            named = [skills.get(slug, slug) for slug in code.get("skills", [])]
            if named:
                more = ", ..." if code["covered"] > len(named) else ""
                sentence += ": " + ", ".join(named) + more
            sentences.append(sentence)
        elif kind == "hours_overlap":
            hours = code["hours"]
            sentences.append(
                f"{hours} hour{'s' if hours != 1 else ''} of overlap in your working day"
                if hours
                else NO_HOURS
            )
        elif kind == "same_background":
            name = backgrounds.get(code["background"], code["background"])
            sentences.append(f"Also came from {name}")
    return sentences


def convert_back(apps, schema_editor):
    _rewrite(apps, codes_to_sentences, dict)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0002_match_drop_mentee_score_index"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="match", old_name="explanation", new_name="explanation_codes"),
        migrations.AlterField(
            model_name="match",
            name="explanation_codes",
            field=models.JSONField(
                default=list,
                help_text="Why, as codes with parameters (see matching.explanations), put into "
                "words for each reader by matching.wording.",
            ),
        ),
        migrations.RunPython(convert, convert_back, elidable=True),
    ]
