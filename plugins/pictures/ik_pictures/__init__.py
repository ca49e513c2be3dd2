"""Picture sets on ``ik_host``: the renditions a ``<picture>`` element offers for one source
(``ik_pictures.pictures.picture_set``), each an ordinary cache file. See docs/picture.md."""
