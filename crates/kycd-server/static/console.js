// The review console's one script (served from this origin; the CSP allows nothing else).
// Everything works without it; it adds keyboard shortcuts on a case page and zoom / rotate of
// its images. Keys are ignored while typing in a field.
//   a  approve: FACE_MATCH + DOC_VALIDATED, submitted at once
//   d  go to the decision form (choose other values)
//   z  zoom the selected image in or out     r  rotate it a quarter turn
//   j / k  select the next / previous image  ?  show or hide this help
const form = document.querySelector('[data-testid="decision"]');
const images = [...document.querySelectorAll('.images figure')];
const help = document.getElementById('shortcuts');
let selected = 0;

function select(index) {
  if (images.length === 0) return;
  images[selected].classList.remove('selected');
  selected = (index + images.length) % images.length;
  images[selected].classList.add('selected');
}

function rotate(figure) {
  const turns = (Number(figure.dataset.turns || 0) + 1) % 4;
  figure.dataset.turns = String(turns);
  figure.classList.remove('turn-1', 'turn-2', 'turn-3');
  if (turns > 0) figure.classList.add('turn-' + turns);
}

for (const [index, figure] of images.entries()) {
  figure.querySelector('[data-action="zoom"]')?.addEventListener('click', () => {
    select(index);
    figure.classList.toggle('zoomed');
  });
  figure.querySelector('[data-action="rotate"]')?.addEventListener('click', () => {
    select(index);
    rotate(figure);
  });
}
if (images.length > 0) select(0);
for (const control of document.querySelectorAll('.image-controls')) control.hidden = false;

document.addEventListener('keydown', (event) => {
  const typing = event.target.closest('input, textarea, select, button');
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  const figure = images[selected];
  switch (event.key) {
    case 'a':
      if (!form) return;
      form.querySelector('[name="manualFace"]').value = 'FACE_MATCH';
      form.querySelector('[name="manualDocument"]').value = 'DOC_VALIDATED';
      form.requestSubmit();
      break;
    case 'd':
      form?.querySelector('[name="manualDocument"]').focus();
      break;
    case 'z':
      figure?.classList.toggle('zoomed');
      break;
    case 'r':
      if (figure) rotate(figure);
      break;
    case 'j':
      select(selected + 1);
      break;
    case 'k':
      select(selected - 1);
      break;
    case '?':
      if (help) help.hidden = !help.hidden;
      break;
    default:
      return;
  }
  event.preventDefault();
});
