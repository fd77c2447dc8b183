"""The registry API (mounted at /api/v1/registry/)."""

from ninja import Router

from jisr.registry.api.households import router as households_router
from jisr.registry.api.reviews import router as reviews_router

router = Router()
router.add_router("", households_router)
router.add_router("", reviews_router)

__all__ = ["router"]
