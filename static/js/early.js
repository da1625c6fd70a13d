// Runs before the body is drawn so that CSS can tell a scripted page from one without scripts
// (the collapsed phone menu needs script to open; without it the menu stays visible).
document.documentElement.classList.add("js");
