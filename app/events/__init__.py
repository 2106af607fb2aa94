"""What end users do on the site, recorded for the numbers managers rely on."""
