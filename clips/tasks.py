from celery import shared_task

from clips import services


@shared_task
def send_scoring_reminders() -> int:
    """Scoring closes within three days: remind members with candidates left to score.
    Scans the database and claims each reminder once, so a missed or doubled beat does no
    harm."""
    return services.scoring_reminders_send()
