from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with a thousand iterations instead of a million: each user a test makes or
    logs in cost 0.3 s of hashing. The hash still names pbkdf2_sha256 and its count, so a
    server the tests start in another process, with the real settings, checks it too."""

    iterations = 1000
