# Billing's models, taken over from the accounts app with their tables.
#
# accounts/migrations/0001-0005 made these tables (accounts_plan, ...); this
# migration only tells Django that the billing app owns them now, and
# accounts/0006 takes them out of the accounts app's state: neither runs any
# SQL, so an existing database keeps its tables and rows untouched.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0005_standard_plans'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Plan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True)),
                        ('name', models.CharField(max_length=100)),
                        ('monthly_pageviews', models.BigIntegerField(help_text='pageviews plus events per month')),
                        ('price_month_cents', models.PositiveIntegerField()),
                        ('price_year_cents', models.PositiveIntegerField()),
                        ('is_custom', models.BooleanField(default=False)),
                        ('is_active', models.BooleanField(default=True, help_text='offered to new subscribers')),
                    ],
                    options={
                        'db_table': 'accounts_plan',
                        'ordering': ['is_custom', 'monthly_pageviews'],
                    },
                ),
                migrations.CreateModel(
                    name='StripeEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event_id', models.CharField(max_length=255, unique=True)),
                        ('type', models.CharField(max_length=100)),
                        ('received', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'db_table': 'accounts_stripeevent',
                    },
                ),
                migrations.CreateModel(
                    name='Invoice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=20, unique=True)),
                        ('key', models.CharField(max_length=100, unique=True)),
                        ('issued', models.DateField()),
                        ('period_start', models.DateField()),
                        ('period_end', models.DateField()),
                        ('currency', models.CharField(default='usd', max_length=3)),
                        ('total_cents', models.IntegerField(default=0)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('paid', 'Paid'), ('void', 'Void')], default='open', max_length=5)),
                        ('stripe_payment_id', models.CharField(blank=True, default='', max_length=64)),
                        ('paid', models.DateTimeField(blank=True, null=True)),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invoices', to='accounts.account')),
                    ],
                    options={
                        'db_table': 'accounts_invoice',
                        'ordering': ['-issued', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='InvoiceLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('description', models.CharField(max_length=300)),
                        ('amount_cents', models.IntegerField()),
                        ('period_start', models.DateField(blank=True, null=True)),
                        ('period_end', models.DateField(blank=True, null=True)),
                        ('invoice', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='billing.invoice')),
                    ],
                    options={
                        'db_table': 'accounts_invoiceline',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='Subscription',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('interval', models.CharField(choices=[('month', 'Month'), ('year', 'Year')], default='month', max_length=5)),
                        ('status', models.CharField(choices=[('trialing', 'Trialing'), ('trial_ended', 'Trial Ended'), ('active', 'Active'), ('past_due', 'Past Due'), ('canceled', 'Canceled')], default='trialing', max_length=12)),
                        ('trial_ends', models.DateField(blank=True, null=True)),
                        ('anchor', models.DateField()),
                        ('period_start', models.DateField()),
                        ('period_end', models.DateField()),
                        ('credit_cents', models.PositiveIntegerField(default=0)),
                        ('stripe_customer_id', models.CharField(blank=True, default='', max_length=64)),
                        ('has_payment_method', models.BooleanField(default=False)),
                        ('over_limit_since', models.DateField(blank=True, null=True)),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('account', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='subscription', to='accounts.account')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='subscriptions', to='billing.plan')),
                    ],
                    options={
                        'db_table': 'accounts_subscription',
                    },
                ),
                migrations.CreateModel(
                    name='UsageNotice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period_start', models.DateField()),
                        ('threshold', models.PositiveSmallIntegerField()),
                        ('usage', models.BigIntegerField()),
                        ('sent', models.DateTimeField(auto_now_add=True)),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='usage_notices', to='accounts.account')),
                    ],
                    options={
                        'db_table': 'accounts_usagenotice',
                        'constraints': [models.UniqueConstraint(fields=('account', 'period_start', 'threshold'), name='usage_notice_once')],
                    },
                ),
            ],
        ),
    ]
