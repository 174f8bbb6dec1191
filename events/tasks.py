from celery import shared_task

from events import services


@shared_task
def expire_seat_offers() -> int:
    """Expire offers of free seats not accepted in time and offer them to the next partnership
    on the waiting list. Scans the database, so a missed or doubled beat does no harm."""
    return services.offers_expire()
