from django.conf import settings


def site(request):
    """What every page's map needs: where its background tiles come from."""
    return {
        "tile_url": settings.OPSDB_TILE_URL,
        "tile_attribution": settings.OPSDB_TILE_ATTRIBUTION,
    }
