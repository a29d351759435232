from django.db import migrations, models


def _store_uncompressed(apps, schema_editor) -> None:
    """The features are NumPy arrays, written once a run and read once: stored out of line and
    uncompressed, so that a chunk's commit does not compress a megabyte of them."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE matching_matchrunchunk ALTER COLUMN features SET STORAGE EXTERNAL"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0006_run_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="matchrunchunk",
            name="features",
            field=models.BinaryField(
                help_text=(
                    "Its mentees' features and fingerprints, for the next run to reuse "
                    "(PostgreSQL)."
                ),
                null=True,
            ),
        ),
        migrations.RunPython(_store_uncompressed, migrations.RunPython.noop),
    ]
