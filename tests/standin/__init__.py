"""Tests of the Mixpanel stand-in (``standin/mixpanel_standin``) and the project's Mixpanel descriptions."""
