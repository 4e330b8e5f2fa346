"""Registry rules: contact names unique per organisation, event codes, participant references."""

import django.core.validators
from django.db import migrations, models


def fill_event_codes(apps, schema_editor):
    TrainingEvent = apps.get_model("network", "TrainingEvent")
    taken = set()
    for event in TrainingEvent.objects.select_related("course").order_by("starts_on", "pk"):
        base = f"{event.course.kind.replace('_', '-').upper()[:20]}-{event.starts_on:%Y-%m}"
        code, n = base, 1
        while code in taken:
            n += 1
            code = f"{base}-{n}"
        taken.add(code)
        event.code = code
        event.save(update_fields=["code"])


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0002_countries'),
    ]

    operations = [
        migrations.AddField(
            model_name="trainingevent",
            name="code",
            field=models.CharField(max_length=40, null=True, verbose_name="event code"),
        ),
        migrations.RunPython(fill_event_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="trainingevent",
            name="code",
            field=models.CharField(
                help_text="Short unique reference, e.g. CORE-2024-03; filled in from the course and date when left empty.",
                max_length=40,
                unique=True,
                verbose_name="event code",
            ),
        ),
        migrations.AlterModelOptions(
            name='contact',
            options={'ordering': ['organisation__name', 'name'], 'permissions': [('erase_contact', "Can erase a contact's personal data")], 'verbose_name': 'contact', 'verbose_name_plural': 'contacts'},
        ),
        migrations.AddField(
            model_name='trainingparticipation',
            name='reference',
            field=models.CharField(blank=True, help_text='For participants who are not registered analysts: a registration number unique within the event, e.g. LE-03. Never a name.', max_length=40, verbose_name='participant reference'),
        ),
        migrations.AlterField(
            model_name='trainingcourse',
            name='certificate_valid_months',
            field=models.PositiveSmallIntegerField(blank=True, help_text='Leave empty when the course gives no certificate, or one that does not expire.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(120)], verbose_name='certificate valid for (months)'),
        ),
        migrations.AddConstraint(
            model_name='contact',
            constraint=models.UniqueConstraint(fields=('organisation', 'name'), name='contact_name_unique_in_organisation', violation_error_message='This organisation already has a contact with this name.'),
        ),
        migrations.AddConstraint(
            model_name='trainingparticipation',
            constraint=models.UniqueConstraint(condition=models.Q(('reference', ''), _negated=True), fields=('event', 'reference'), name='participation_reference_unique_in_event', violation_error_message='Another participant of this event has this reference.'),
        ),
        migrations.AlterConstraint(
            model_name='trainingparticipation',
            name='participation_once_per_analyst',
            constraint=models.UniqueConstraint(condition=models.Q(('analyst__isnull', False)), fields=('event', 'analyst'), name='participation_once_per_analyst', violation_error_message='This analyst already has a place at this event.'),
        ),
    ]
