"""The Atom feed of the public announcement, for the programme website (§2.4.6)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from clips.selectors import announced_selections


class AnnouncementFeed(Feed):
    feed_type = Atom1Feed
    title = _("Promotional clips of library partnerships")
    subtitle = _("Partnerships selected for a promotional clip in the support programme.")
    link = reverse_lazy("clips:announcement_list")

    def items(self):
        return announced_selections()[:50]

    def item_title(self, item):
        return item.partnership.name

    def item_description(self, item):
        library = item.partnership.lead_library
        place = f"{library.name}, {library.commune} ({library.get_voivodeship_display()})"
        return f"{place}. {item.public_summary}".strip()

    def item_link(self, item):
        return f"{reverse('clips:announcement_list')}#klip-{item.pk}"

    def item_guid(self, item):
        return f"klip-{item.pk}"

    def item_pubdate(self, item):
        return item.call.announced_at

    def item_updateddate(self, item):
        return item.call.announced_at
