"""Public URLs besides Wagtail's pages. `config.urls` mounts `public_urlpatterns` inside
`i18n_patterns` (English unprefixed, /fr/, /es/) and `root_urlpatterns` at the root."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from cms import caching, feeds, views
from cms.sitemaps import SiteSitemap


def _sitemap(request, **kwargs):
    """Cached like a page: it changes when the page tree does (the site version)."""

    def render():
        return sitemap(request, sitemaps={"pages": SiteSitemap(request)}, template_name="cms/sitemap.xml", **kwargs)

    if not caching.is_cacheable_request(request):
        return render()
    return caching.serve_cached(request, entry="sitemap", query_params=("p",), reads=(), render=render)


root_urlpatterns = [
    path("robots.txt", views.robots_txt, name="cms_robots"),
    path("sitemap.xml", _sitemap, name="cms_sitemap"),
]

public_urlpatterns = [
    path("search/", views.search, name="cms_search"),
    path("feeds/articles/rss/", feeds.ArticleFeed(), name="cms_feed_rss"),
    path("feeds/articles/atom/", feeds.ArticleAtomFeed(), name="cms_feed_atom"),
]
