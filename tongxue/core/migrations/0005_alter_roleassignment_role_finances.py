# The union's ledger (TRN-4, #18): the treasurer and finance approver roles.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_alter_roleassignment_role'),
    ]

    operations = [
        migrations.AlterField(
            model_name='roleassignment',
            name='role',
            field=models.CharField(choices=[('student', 'Student'), ('delegate', 'Delegate'), ('union_cadre', 'Union cadre'), ('union_admin', 'Union administrator'), ('league_advisor', 'Youth League advisor'), ('party_approver', 'Party committee approver'), ('federation_admin', 'Federation administrator'), ('rights_officer', 'Rights officer'), ('office_handler', 'School office handler'), ('treasurer', 'Treasurer'), ('finance_approver', 'Finance approver')], max_length=32, verbose_name='role'),
        ),
    ]
