"""Models and admin for the tests of the template tags, AdminThumbnail and generateimages."""
