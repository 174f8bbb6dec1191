"""The Atom feed of the public announcement, for the programme website (§2.4.6), by RFC 4287.

- Ids are ``tag:`` URIs (RFC 4151) built from the site's host, the day a partnership was
  selected and the selection's number: absolute, and the same whatever else changes in the
  feed or whichever host name the request came by.
- Links are built from ``PORTAL_SITE_URL``, never from the request's ``Host`` header.
- Summaries are plain text (``type="text"``): what a leader typed is shown as typed, never
  read as HTML by a feed reader.
- ``updated`` is the last announcement or withdrawal, so the document stays byte-for-byte the
  same until something changes, and the feed answers 304 to its ``ETag`` or
  ``Last-Modified``.
"""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from clips.selectors import announced_selections, announcement_changed
from portal.web import conditional_get

# The feed has existed since the programme's clip calls began; a fixed date keeps its id fixed.
FEED_TAG_DATE = "2026"
# ``updated`` of a feed that has never announced anything: fixed, so it never looks changed.
NEVER = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def _host() -> str:
    return settings.SITE_URL.split("//")[-1].split("/")[0].split(":")[0] or "localhost"


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


class PlainTextAtomFeed(Atom1Feed):
    """Atom 1.0 whose entry summaries are ``type="text"`` and whose ``updated`` is given by
    the view (Django's default is the newest entry, or the time of the request if none)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})

    def latest_post_date(self):
        return self.feed.get("updated") or super().latest_post_date()


class AnnouncementFeed(Feed):
    feed_type = PlainTextAtomFeed
    title = _("Promotional clips of library partnerships")
    subtitle = _("Partnerships selected for a promotional clip in the support programme.")
    author_name = _("Support centre of library partnerships")

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # Public, and asked again each time: the ETag makes that a 304 when nothing changed.
        response["Cache-Control"] = "public, no-cache"
        return conditional_get(request, response)

    def link(self):
        return _absolute(reverse("clips:announcement_list"))

    def feed_url(self):
        return _absolute(reverse("clips:announcement_feed"))

    def feed_guid(self):
        return f"tag:{_host()},{FEED_TAG_DATE}:klipy-promocyjne"

    def feed_extra_kwargs(self, obj):
        return {"updated": announcement_changed() or NEVER}

    def items(self):
        return announced_selections()[:50]

    def item_title(self, item):
        return item.partnership.name

    def item_description(self, item):
        library = item.partnership.lead_library
        place = f"{library.name}, {library.commune} ({library.get_voivodeship_display()})"
        return f"{place}. {item.public_summary}".strip()

    def item_link(self, item):
        return _absolute(f"{reverse('clips:announcement_list')}#klip-{item.pk}")

    def item_guid(self, item):
        return f"tag:{_host()},{item.selected_at:%Y-%m-%d}:klip-{item.pk}"

    def item_pubdate(self, item):
        return item.call.announced_at

    def item_updateddate(self, item):
        return item.call.announced_at
