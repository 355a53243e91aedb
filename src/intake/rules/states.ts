import type { KnownActor } from "../../domain/proposal.js";
import { foldName } from "../../domain/text.js";

/**
 * The world's states as French writes them: each state's usual name, its capital and its adjective of
 * nationality (masculine singular; "m/f" when the feminine is irregular). A general table of the UN's member
 * states (and Palestine), not a list of the states of any article: the gazetteer reads a capital as its state
 * ("à Moscou", "Bamako a annoncé": the graph places a visit at the state) and the parse rules an adjective of
 * nationality as its state ("les forces maliennes", "le ministre russe"), each only when that state is a known
 * actor (matched by its name or an alias, folded).
 */
const table = `
Afghanistan|Kaboul|afghan
Afrique du Sud|Pretoria|sud-africain
Albanie|Tirana|albanais
Algérie|Alger|algérien
Allemagne|Berlin|allemand
Andorre|Andorre-la-Vieille|andorran
Angola|Luanda|angolais
Arabie saoudite|Riyad|saoudien
Argentine|Buenos Aires|argentin
Arménie|Erevan|arménien
Australie|Canberra|australien
Autriche|Vienne|autrichien
Azerbaïdjan|Bakou|azerbaïdjanais
Bahreïn|Manama|bahreïni
Bangladesh|Dacca|bangladais
Belgique|Bruxelles|belge
Bénin|Porto-Novo|béninois
Biélorussie|Minsk|biélorusse
Birmanie|Naypyidaw|birman
Bolivie|La Paz|bolivien
Bosnie-Herzégovine|Sarajevo|bosnien
Botswana|Gaborone|botswanais
Brésil|Brasilia|brésilien
Bulgarie|Sofia|bulgare
Burkina Faso|Ouagadougou|burkinabè
Burundi|Gitega|burundais
Cambodge|Phnom Penh|cambodgien
Cameroun|Yaoundé|camerounais
Canada|Ottawa|canadien
Cap-Vert|Praia|cap-verdien
Centrafrique|Bangui|centrafricain
Chili|Santiago|chilien
Chine|Pékin|chinois
Chypre|Nicosie|chypriote
Colombie|Bogota|colombien
Comores|Moroni|comorien
Congo|Brazzaville|congolais
République démocratique du Congo|Kinshasa|
Corée du Nord|Pyongyang|nord-coréen
Corée du Sud|Séoul|sud-coréen
Côte d'Ivoire|Yamoussoukro|ivoirien
Croatie|Zagreb|croate
Cuba|La Havane|cubain
Danemark|Copenhague|danois
Djibouti|Djibouti|djiboutien
Égypte|Le Caire|égyptien
Émirats arabes unis|Abou Dhabi|émirien
Équateur|Quito|équatorien
Érythrée|Asmara|érythréen
Espagne|Madrid|espagnol
Estonie|Tallinn|estonien
Eswatini|Mbabane|swazi
États-Unis|Washington|américain
Éthiopie|Addis-Abeba|éthiopien
Finlande|Helsinki|finlandais
France|Paris|français
Gabon|Libreville|gabonais
Gambie|Banjul|gambien
Géorgie|Tbilissi|géorgien
Ghana|Accra|ghanéen
Grèce|Athènes|grec/grecque
Guatemala|Guatemala|guatémaltèque
Guinée|Conakry|guinéen
Guinée-Bissau|Bissau|bissau-guinéen
Guinée équatoriale|Malabo|équato-guinéen
Haïti|Port-au-Prince|haïtien
Hongrie|Budapest|hongrois
Inde|New Delhi|indien
Indonésie|Jakarta|indonésien
Irak|Bagdad|irakien
Iran|Téhéran|iranien
Irlande|Dublin|irlandais
Islande|Reykjavik|islandais
Israël|Jérusalem|israélien
Italie|Rome|italien
Japon|Tokyo|japonais
Jordanie|Amman|jordanien
Kazakhstan|Astana|kazakh
Kenya|Nairobi|kényan
Kirghizistan|Bichkek|kirghiz
Koweït|Koweït|koweïtien
Laos|Vientiane|laotien
Lesotho|Maseru|lesothan
Lettonie|Riga|letton
Liban|Beyrouth|libanais
Liberia|Monrovia|libérien
Libye|Tripoli|libyen
Lituanie|Vilnius|lituanien
Luxembourg|Luxembourg|luxembourgeois
Macédoine du Nord|Skopje|macédonien
Madagascar|Antananarivo|malgache
Malaisie|Kuala Lumpur|malaisien
Malawi|Lilongwe|malawite
Mali|Bamako|malien
Maroc|Rabat|marocain
Maurice|Port-Louis|mauricien
Mauritanie|Nouakchott|mauritanien
Mexique|Mexico|mexicain
Moldavie|Chisinau|moldave
Mongolie|Oulan-Bator|mongol
Monténégro|Podgorica|monténégrin
Mozambique|Maputo|mozambicain
Namibie|Windhoek|namibien
Népal|Katmandou|népalais
Nicaragua|Managua|nicaraguayen
Niger|Niamey|nigérien
Nigeria|Abuja|nigérian
Norvège|Oslo|norvégien
Nouvelle-Zélande|Wellington|néo-zélandais
Oman|Mascate|omanais
Ouganda|Kampala|ougandais
Ouzbékistan|Tachkent|ouzbek
Pakistan|Islamabad|pakistanais
Palestine|Ramallah|palestinien
Panama|Panama|panaméen
Paraguay|Asuncion|paraguayen
Pays-Bas|Amsterdam|néerlandais
Pérou|Lima|péruvien
Philippines|Manille|philippin
Pologne|Varsovie|polonais
Portugal|Lisbonne|portugais
Qatar|Doha|qatari
Roumanie|Bucarest|roumain
Royaume-Uni|Londres|britannique
Russie|Moscou|russe
Rwanda|Kigali|rwandais
Salvador|San Salvador|salvadorien
Sao Tomé-et-Principe|Sao Tomé|santoméen
Sénégal|Dakar|sénégalais
Serbie|Belgrade|serbe
Seychelles|Victoria|seychellois
Sierra Leone|Freetown|sierra-léonais
Singapour|Singapour|singapourien
Slovaquie|Bratislava|slovaque
Slovénie|Ljubljana|slovène
Somalie|Mogadiscio|somalien
Soudan|Khartoum|soudanais
Soudan du Sud|Djouba|sud-soudanais
Sri Lanka|Colombo|sri-lankais
Suède|Stockholm|suédois
Suisse|Berne|suisse
Syrie|Damas|syrien
Tadjikistan|Douchanbé|tadjik
Tanzanie|Dodoma|tanzanien
Tchad|N'Djamena|tchadien
Tchéquie|Prague|tchèque
Thaïlande|Bangkok|thaïlandais
Togo|Lomé|togolais
Tunisie|Tunis|tunisien
Turkménistan|Achgabat|turkmène
Turquie|Ankara|turc/turque
Ukraine|Kiev|ukrainien
Uruguay|Montevideo|uruguayen
Venezuela|Caracas|vénézuélien
Vietnam|Hanoï|vietnamien
Yémen|Sanaa|yéménite
Zambie|Lusaka|zambien
Zimbabwe|Harare|zimbabwéen
`;

interface StateEntry {
  /** The state's usual French name, as written. */
  written: string;
  /** The state's name, folded. */
  name: string;
  capital: string;
  /** Every form of its adjective of nationality (both genders, both numbers), folded. */
  demonyms: string[];
}

/** The forms of an adjective of nationality from its masculine singular (and irregular feminine). */
function adjectiveForms(masculine: string, feminine?: string): string[] {
  const female =
    feminine ??
    (masculine.endsWith("e")
      ? masculine
      : /(ien|éen)$/u.test(masculine)
        ? `${masculine}ne`
        : `${masculine}e`);
  const plural = (form: string) => (/[sx]$/u.test(form) ? form : `${form}s`);
  return [...new Set([masculine, female, plural(masculine), plural(female)].map(foldName))];
}

const states: StateEntry[] = table
  .trim()
  .split("\n")
  .map((line) => {
    const [name = "", capital = "", adjective = ""] = line.split("|");
    const [masculine, feminine] = adjective.split("/");
    return {
      written: name,
      name: foldName(name),
      capital,
      demonyms: masculine ? adjectiveForms(masculine, feminine) : [],
    };
  });

/**
 * Names of states that are also a common first name or word ("Maurice"): never proposed as a state from the
 * table alone.
 */
const ambiguousNames = new Set(["maurice"]);

/** Every state's usual French name, as written, except those that are also common first names or words. */
export const tableStateNames: readonly string[] = states
  .filter((entry) => !ambiguousNames.has(entry.name))
  .map((entry) => entry.written);

const allDemonyms = new Set(states.flatMap((entry) => entry.demonyms));
const allNames = new Set(states.map((entry) => entry.name));

/** Whether `word` is a form of any state's adjective of nationality ("Maliens", "russes"): a people, not a name. */
export const isDemonym = (word: string): boolean => allDemonyms.has(foldName(word));

/** Whether `name` is the usual name of a state of the table ("Afghanistan", "Afrique du Sud"). */
export const isStateName = (name: string): boolean => allNames.has(foldName(name));

/** What the table adds to the gazetteer for the known states: capitals as their aliases, demonyms as adjectives. */
export interface StateNames {
  /** The known actors, each known state with its capital added to its aliases. */
  actors: KnownActor[];
  /** The known state an adjective of nationality names ("maliennes" → Mali), or undefined. */
  demonym(adjective: string): KnownActor | undefined;
}

/** The table's names of the known states among `actors`. */
export function stateNames(actors: readonly KnownActor[]): StateNames {
  const byName = new Map<string, KnownActor>();
  for (const actor of actors) {
    if (actor.kind !== "STATE") continue;
    for (const name of [actor.name, ...actor.aliases]) byName.set(foldName(name), actor);
  }
  const taken = new Set(actors.flatMap((actor) => [actor.name, ...actor.aliases].map(foldName)));
  const capitals = new Map<string, string[]>();
  const byDemonym = new Map<string, KnownActor>();
  for (const entry of states) {
    const state = byName.get(entry.name);
    if (!state) continue;
    // A capital that is already some actor's name stays that actor's (a city-state's name is its own).
    if (!taken.has(foldName(entry.capital)))
      capitals.set(state.key, [...(capitals.get(state.key) ?? []), entry.capital]);
    for (const form of entry.demonyms) byDemonym.set(form, state);
  }
  return {
    actors: actors.map((actor) =>
      capitals.has(actor.key)
        ? { ...actor, aliases: [...actor.aliases, ...(capitals.get(actor.key) ?? [])] }
        : actor,
    ),
    demonym: (adjective) => byDemonym.get(foldName(adjective)),
  };
}
