// @ts-check
// The review page's article form: a text pasted or read from a file, with its metadata, stored and taken in
// (intakeText); or a stored source picked, reviewed, or taken in again (intakeSource).
import { act, clientKey, say, write } from "./review-session.js";
import { element } from "./util.js";

/**
 * Wires the article's forms.
 * @param {(key: string) => Promise<number>} open shows a source and its proposals; answers how many
 * @param {() => string | null} shownSource the source shown now, if any
 */
export function wireIntake(open, shownSource) {
  element("file", HTMLInputElement).addEventListener("change", async () => {
    const file = element("file", HTMLInputElement).files?.[0];
    if (file) element("text", HTMLTextAreaElement).value = await file.text();
  });
  element("intake-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    void act(async () => {
      /** @param {string} id */
      const value = (id) => element(id, HTMLInputElement).value.trim() || null;
      say("Storing the article and proposing (the NLP takes a few seconds)…");
      const data = await write(
        `mutation ($input: IntakeTextInput!) { intakeText(input: $input) {
           source { key } created recogniser { ran reason } parse { ran reason } } }`,
        {
          input: {
            text: element("text", HTMLTextAreaElement).value,
            title: value("title"),
            url: value("url"),
            publisher: value("publisher"),
            published: value("published"),
            language: value("language") ?? "fr",
            clientKey: clientKey(),
          },
        },
      );
      const taken = data.intakeText;
      const count = await open(taken.source.key);
      const skipped = [taken.recogniser, taken.parse]
        .filter((/** @type {{ ran: boolean }} */ s) => !s.ran)
        .map((/** @type {{ reason: string }} */ s) => s.reason);
      say(
        `${taken.created ? "Stored" : "Already stored"} as ${taken.source.key}; ${count} proposals.${skipped.length ? ` Not run: ${skipped.join("; ")}.` : ""}`,
      );
    });
  });
  element("source-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    const key = element("stored", HTMLSelectElement).value;
    if (key) void act(() => open(key).then(() => undefined));
  });
  element("intake-again", HTMLButtonElement).addEventListener("click", () =>
    act(async () => {
      const key = element("stored", HTMLSelectElement).value || shownSource();
      if (!key) return say("Pick a stored source first.");
      await write(`mutation ($input: IntakeSourceInput!) { intakeSource(input: $input) { intake } }`, {
        input: { source: key, clientKey: clientKey() },
      });
      const count = await open(key);
      say(`Proposed again: ${count} proposals (the earlier pending ones are superseded).`);
    }),
  );
}
