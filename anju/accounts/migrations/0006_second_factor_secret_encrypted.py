"""The authenticator secrets are encrypted at rest (anju.core.fieldcrypt): the column becomes text wide
enough for a Fernet token, the secrets already enrolled are encrypted in place, and the field then
reads and writes through the encryption."""

from django.db import migrations, models

import anju.core.fieldcrypt


def encrypt_secrets(apps, schema_editor):
    from anju.core import fieldcrypt

    SecondFactor = apps.get_model("accounts", "SecondFactor")
    for pk, secret in SecondFactor.objects.values_list("pk", "secret"):
        if secret and not secret.startswith("gAAAA"):  # every Fernet token starts so
            SecondFactor.objects.filter(pk=pk).update(secret=fieldcrypt.encrypt(secret))


def decrypt_secrets(apps, schema_editor):
    from anju.core import fieldcrypt

    SecondFactor = apps.get_model("accounts", "SecondFactor")
    for pk, secret in SecondFactor.objects.values_list("pk", "secret"):
        if secret.startswith("gAAAA"):
            SecondFactor.objects.filter(pk=pk).update(secret=fieldcrypt.decrypt(secret))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_second_factor"),
    ]

    operations = [
        migrations.AlterField(model_name="secondfactor", name="secret", field=models.TextField()),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        migrations.AlterField(
            model_name="secondfactor", name="secret", field=anju.core.fieldcrypt.EncryptedTextField()
        ),
    ]
