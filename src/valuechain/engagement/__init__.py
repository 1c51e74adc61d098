"""Developer engagement by country: GH Archive events, attribution of actors to countries, studies."""
