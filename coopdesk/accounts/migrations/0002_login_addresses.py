"""The accounts made before allauth: their addresses count as verified (staff typed them)."""

from django.db import migrations


def record_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        EmailAddress(user_id=pk, email=email, primary=True, verified=True)
        for pk, email in User.objects.exclude(pk__in=known).values_list("pk", "email")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(record_addresses, migrations.RunPython.noop)]
