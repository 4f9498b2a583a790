from django.db import migrations, models


class Migration(migrations.Migration):
    """`request` was easily mistaken for the HTTP request in views: the foreign key is `peer_request`.

    Renaming the column carries its unique indexes with it (PostgreSQL and SQLite both), so the two
    constraints on it change only in Django's state, not in the database.
    """

    dependencies = [
        ("peers", "0003_volunteer_profile_user_unlinked_on_erasure"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="introduction", name="peers_one_introduction_per_pair"),
                migrations.RemoveConstraint(model_name="introduction", name="peers_one_live_introduction_per_request"),
            ]
        ),
        migrations.RenameField(model_name="introduction", old_name="request", new_name="peer_request"),
        migrations.RenameField(model_name="nursetask", old_name="request", new_name="peer_request"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(
                    model_name="introduction",
                    constraint=models.UniqueConstraint(
                        fields=("peer_request", "volunteer"), name="peers_one_introduction_per_pair"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="introduction",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status__in", ["proposed", "accepted"])),
                        fields=("peer_request",),
                        name="peers_one_live_introduction_per_request",
                    ),
                ),
            ]
        ),
    ]
