// "Nearby" on the public project list: the phone's position into the search form's hidden fields, then search.
(function () {
  var button = document.getElementById("nearby");
  if (!button) return;
  button.addEventListener("click", function () {
    var form = document.getElementById("search");
    if (!navigator.geolocation) { alert(button.dataset.error); return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.querySelector("[name=lat]").value = pos.coords.latitude.toFixed(5);
      form.querySelector("[name=lon]").value = pos.coords.longitude.toFixed(5);
      form.submit();
    }, function () { alert(button.dataset.error); }, {timeout: 10000, maximumAge: 300000});
  });
})();
