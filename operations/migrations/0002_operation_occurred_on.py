from django.db import migrations, models

from operations import dates


def fill_occurred_on(apps, schema_editor):
    for model_name in ("Operation", "HistoricalOperation"):
        model = apps.get_model("operations", model_name)
        for record in model.objects.only("occurred_at", "local_time_zone").iterator():
            local = record.occurred_at.astimezone(dates.zone(record.local_time_zone))
            model.objects.filter(pk=record.pk).update(occurred_on=local.date())


class Migration(migrations.Migration):
    dependencies = [("operations", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="operation",
            name="occurred_on",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicaloperation",
            name="occurred_on",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(fill_occurred_on, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="operation",
            name="occurred_on",
            field=models.DateField(
                db_index=True,
                editable=False,
                help_text="The local date of occurred_at, kept in step on save.",
            ),
        ),
        migrations.AlterField(
            model_name="historicaloperation",
            name="occurred_on",
            field=models.DateField(
                db_index=True,
                editable=False,
                help_text="The local date of occurred_at, kept in step on save.",
            ),
        ),
    ]
