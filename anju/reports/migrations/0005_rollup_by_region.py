from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_dispute_tallies'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='disputecell',
            index=models.Index(fields=['region', 'month', 'resolved_month', 'escalated_month'], name='dispute_cell_region', opclasses=['varchar_pattern_ops', 'int4_ops', 'int4_ops', 'int4_ops']),
        ),
        migrations.AddIndex(
            model_name='disputetally',
            index=models.Index(fields=['region', 'month'], name='dispute_tally_region', opclasses=['varchar_pattern_ops', 'int4_ops']),
        ),
        migrations.AddIndex(
            model_name='resolutiontally',
            index=models.Index(fields=['region', 'month'], name='resolution_tally_region', opclasses=['varchar_pattern_ops', 'int4_ops']),
        ),
    ]
