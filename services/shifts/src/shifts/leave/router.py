"""Leave routes."""

from fastapi import APIRouter

router = APIRouter(tags=["leave"])
