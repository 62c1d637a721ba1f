"""Coverage routes."""

from fastapi import APIRouter

router = APIRouter(tags=["coverage"])
