from django.shortcuts import render
from django.urls import path

SECTIONS = [
    ("What is pregnancy-associated osteoporosis?", "why-it-happens"),
    ("Symptoms and diagnosis", "symptoms"),
    ("Treatment and recovery", "treatment"),
    ("Caring for your baby", "caring"),
    ("Future pregnancies", "future"),
]


def page(request):
    return render(request, "bare/page.html", {"title": "Treatment and recovery", "sections": SECTIONS})


urlpatterns = [path("", page)]
