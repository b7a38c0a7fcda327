from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('disputes', '0010_figures_read_from_indexes'),
        ('regions', '0002_grid_boundary'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='dispute',
            index=models.Index(condition=models.Q(('status__in', ['accepted', 'agreed', 'mediating', 'registered'])), fields=['region', 'due_at'], name='dispute_open_region_due', opclasses=['varchar_pattern_ops', 'timestamptz_ops']),
        ),
    ]
