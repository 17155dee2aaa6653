"""The talent API (SPEC §2.2, §2.5): nominations and profiles, each module with its own router joined here."""

from ninja import Router

from .api_nominations import router as nominations_router
from .api_profiles import router as profiles_router

router = Router()
router.add_router("", nominations_router)
router.add_router("", profiles_router)
