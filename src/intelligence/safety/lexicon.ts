/**
 * Evidence for AssemblyAI's content-safety labels (the SDK's ContentSafetyLabel docs list them:
 * accidents, alcohol, financials, crime_violence, drugs, gambling, hate_speech, health_issues,
 * manga, marijuana, disasters, negative_news, nsfw, pornography, profanity,
 * sensitive_social_issues, terrorism, tobacco, weapons). Each entry is "phrase:weight:severity":
 * weight is how much one mention says the passage is about the label (1 = on its own enough to
 * be fairly sure), severity how grave the content it names is (0..1). Phrases match by stem.
 * Profanity comes from profanity.ts and hate speech from a rule in safety.ts, not from here.
 */
export type SafetyLabel =
  | 'accidents'
  | 'alcohol'
  | 'financials'
  | 'crime_violence'
  | 'drugs'
  | 'gambling'
  | 'hate_speech'
  | 'health_issues'
  | 'manga'
  | 'marijuana'
  | 'disasters'
  | 'negative_news'
  | 'nsfw'
  | 'pornography'
  | 'profanity'
  | 'sensitive_social_issues'
  | 'terrorism'
  | 'tobacco'
  | 'weapons';

const LEXICON: Partial<Record<SafetyLabel, string>> = {
  accidents: 'accident:0.8:0.4, car crash:1:0.6, plane crash:1:0.9, collision:0.7:0.5, crashed:0.6:0.5, derailed:0.8:0.7, injured:0.5:0.5, fatal:0.6:0.8, pileup:0.8:0.6',
  alcohol: 'alcohol:0.8:0.3, beer:0.5:0.2, wine:0.4:0.2, vodka:0.7:0.3, whisky:0.6:0.2, whiskey:0.6:0.2, drunk:0.8:0.5, hangover:0.7:0.3, booze:0.8:0.3, binge drinking:1:0.7, cocktail:0.4:0.2, pub:0.3:0.1, getting drunk:1:0.5',
  financials: 'earnings:0.6:0.3, revenue:0.5:0.2, quarterly results:1:0.4, profit warning:1:0.6, layoffs:0.8:0.6, bankruptcy:0.9:0.7, stock price:0.7:0.3, shareholders:0.6:0.3, merger:0.6:0.3, acquisition:0.5:0.3, insider trading:1:0.8',
  crime_violence: 'murder:1:0.9, murdered:1:0.9, killed:0.6:0.8, kill:0.5:0.7, stabbing:1:0.9, stabbed:1:0.9, shooting:0.6:0.8, shot dead:1:0.9, assault:0.9:0.7, robbery:0.9:0.6, kidnapping:1:0.8, kidnapped:1:0.8, homicide:1:0.9, gunman:1:0.9, beat up:0.8:0.6, violence:0.8:0.6, violent:0.6:0.6, rape:1:1, arrested:0.5:0.4, burglary:0.8:0.5, gang:0.5:0.5',
  drugs: 'cocaine:1:0.7, heroin:1:0.8, meth:0.9:0.8, methamphetamine:1:0.8, drug dealer:1:0.7, overdose:1:0.9, ecstasy:0.8:0.6, lsd:0.9:0.6, opioids:0.9:0.7, fentanyl:1:0.9, crack cocaine:1:0.8, illegal drugs:1:0.6, getting high:0.8:0.5',
  gambling: 'casino:1:0.4, poker:0.9:0.3, betting:0.9:0.4, bet:0.4:0.3, gamble:0.8:0.4, gambling:1:0.5, slot machine:1:0.4, roulette:1:0.4, blackjack:1:0.4, bookmaker:1:0.4, jackpot:0.7:0.3, lottery:0.6:0.2, sports betting:1:0.5',
  health_issues: 'cancer:1:0.7, disease:0.5:0.5, illness:0.7:0.5, diagnosis:0.6:0.5, surgery:0.7:0.5, symptoms:0.6:0.4, hospital:0.5:0.4, tumour:1:0.8, tumor:1:0.8, diabetes:0.9:0.5, depression:0.7:0.6, heart attack:1:0.8, infection:0.7:0.4, injury:0.5:0.3, injuries:0.5:0.3, shin splints:0.6:0.2, chronic pain:0.9:0.5, dementia:1:0.7',
  manga: 'manga:1:0.1, anime:0.9:0.1, naruto:1:0.1, pokemon:0.8:0.1, dragon ball:1:0.1, sailor moon:1:0.1, one piece:0.6:0.1',
  marijuana: 'marijuana:1:0.5, cannabis:1:0.5, weed:0.4:0.4, stoned:0.8:0.5, thc:1:0.5, edibles:0.7:0.4, smoking pot:1:0.5, joint:0.2:0.3',
  disasters: 'earthquake:0.9:0.7, earthquakes:0.9:0.6, hurricane:1:0.8, tornado:1:0.8, flood:0.8:0.6, floods:0.8:0.6, tsunami:1:0.9, wildfire:0.9:0.7, wildfires:0.9:0.7, eruption:0.7:0.5, volcanic eruption:1:0.6, landslide:0.9:0.7, drought:0.7:0.5, famine:1:0.8, disaster:0.8:0.6, evacuate:0.6:0.5',
  negative_news: 'death toll:1:0.9, tragedy:0.7:0.6, victims:0.6:0.7, crisis:0.5:0.5, casualties:0.9:0.8, died:0.5:0.6, mourning:0.6:0.5',
  nsfw: 'sex:0.6:0.5, sexual:0.6:0.5, erotic:0.9:0.6, strip club:1:0.6, nude:0.8:0.6, naked:0.5:0.4, orgasm:1:0.8',
  pornography: 'porn:1:0.8, pornography:1:0.8, pornographic:1:0.8, xxx:1:0.8, explicit sex:1:0.9, sex tape:1:0.8',
  sensitive_social_issues: 'abortion:1:0.6, immigration:0.6:0.4, gun control:1:0.5, racism:1:0.6, discrimination:0.8:0.5, transgender:0.8:0.4, death penalty:1:0.6, police brutality:1:0.7, same sex marriage:1:0.4',
  terrorism: 'terrorist:1:0.9, terrorists:1:0.9, terrorism:1:0.9, bombing:0.9:0.9, suicide bomber:1:1, isis:1:0.9, al qaeda:1:0.9, extremist:0.8:0.7, hostage:0.8:0.8, mass shooting:1:1',
  tobacco: 'cigarette:1:0.4, cigarettes:1:0.4, tobacco:1:0.4, nicotine:1:0.4, vape:0.9:0.3, vaping:0.9:0.3, cigar:0.8:0.3, e-cigarettes:1:0.4',
  weapons: 'gun:0.9:0.6, guns:0.9:0.6, rifle:1:0.6, pistol:1:0.6, firearm:1:0.6, firearms:1:0.6, ammunition:1:0.6, bullets:0.8:0.6, knife:0.6:0.5, knives:0.6:0.5, missile:1:0.7, missiles:1:0.7, bomb:0.9:0.8, explosives:1:0.8, grenade:1:0.8, shotgun:1:0.7, weapon:1:0.6, weapons:1:0.6, torpedo:1:0.7',
};

export interface SafetyEntry {
  label: SafetyLabel;
  weight: number;
  severity: number;
}

export function safetyEntries(): { phrase: string; data: SafetyEntry }[] {
  return Object.entries(LEXICON).flatMap(([label, list]) =>
    list.split(',').map((item) => {
      const [phrase, weight, severity] = item.trim().split(':');
      return { phrase, data: { label: label as SafetyLabel, weight: Number(weight), severity: Number(severity) } };
    }),
  );
}

/**
 * Hate speech needs a target and hostility in the same sentence: naming a group is not hateful,
 * and neither is an insult on its own. The lexicon stays free of slurs on purpose; a slur list
 * would have to be maintained with care (and reviewed) rather than guessed here.
 */
export const PROTECTED_GROUPS =
  'immigrants, immigrant, refugees, muslims, muslim, jews, jewish, christians, blacks, black people, white people, asians, mexicans, arabs, gays, gay people, lesbians, trans people, transgender people, women, disabled people, foreigners, migrants, gypsies, hindus, catholics';
export const HOSTILITY =
  'vermin, subhuman, animals, parasites, disease, filth, scum, inferior, exterminate, wipe out, get rid of, go back, deport them all, should be banned, hate, hates, disgusting, cockroaches, invaders';
