from django.urls import reverse


def test_home_redirects_leader_to_their_partnership(client, world):
    client.force_login(world.leader_a)
    response = client.get(reverse("home"))
    assert response.url == reverse("partnership_detail", args=[world.partnership_a.pk])
