"""API rate limits: one bucket per API token, else per signed-in user, else per client IP.

DRF answers an exhausted bucket with 429 and a Retry-After header. Buckets live in the shared Redis
cache, so every web worker counts together.
"""

from rest_framework.throttling import SimpleRateThrottle


class PerTokenOrUserRateThrottle(SimpleRateThrottle):
    scope = "user"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        # knox keeps a digest per token (never the token): the digest names the bucket.
        key = getattr(token, "digest", None)
        if key:
            # A token is its own bucket: one leaked or runaway integration cannot starve its owner's browser.
            return self.cache_format % {"scope": "token", "ident": key[:24]}
        if request.user and request.user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
        return None


class AnonymousRateThrottle(SimpleRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        from audit.net import client_ip

        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}
