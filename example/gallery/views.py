from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from gallery.forms import PhotoUploadForm
from gallery.models import Photo


def index(request: HttpRequest) -> HttpResponse:
    photos = list(Photo.objects.all())
    featured, rest = (photos[0], photos[1:]) if photos else (None, [])
    return render(request, "gallery/index.html", {"featured": featured, "photos": rest})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "gallery/detail.html", {"photo": get_object_or_404(Photo, pk=pk)})


# The pictures page shows a few photos: each is twelve files (AVIF, WebP and JPEG at four
# widths), made when the page first asks for them.
PICTURES_SHOWN = 4


def pictures(request: HttpRequest) -> HttpResponse:
    photos = Photo.objects.all()[:PICTURES_SHOWN]
    return render(request, "gallery/pictures.html", {"photos": photos})


def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PhotoUploadForm(request.POST, request.FILES)
        if form.is_valid():
            photo = form.save()
            messages.success(request, f"“{photo}” was uploaded; here are its processed versions.")
            return redirect("photo", pk=photo.pk)
    else:
        form = PhotoUploadForm()
    status = 400 if form.errors else 200
    return render(request, "gallery/upload.html", {"form": form}, status=status)
