"""Closures routes."""

from fastapi import APIRouter

router = APIRouter(tags=["closures"])
