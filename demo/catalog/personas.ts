// Scripted shoppers for the demo's "play a journey" buttons and for browser tests: each persona
// browses products of a few target categories, and after its journey the recommendations and
// segments should lean towards `expectCategories`.
// `npx tsx demo/catalog/build.ts` checks every product id here against the generated catalogue.

export type JourneyStep =
  /** Open the product page. */
  | { action: 'view'; productId: string }
  /** Search the shop. */
  | { action: 'search'; query: string }
  /** Add to the cart (from the product page, which is opened first when needed). */
  | { action: 'add'; productId: string }
  /** Click the product's card in a listing (falls back to opening it directly). */
  | { action: 'click'; productId: string };

export interface Persona {
  id: string;
  name: string;
  /** One line shown next to the play button. */
  summary: string;
  steps: JourneyStep[];
  /** Category slugs the journey stays in. */
  expectCategories: string[];
}

export const personas: Persona[] = [
  {
    id: 'runner',
    name: 'Trail runner',
    summary: 'Shops for trail shoes, a GPS watch and night-running kit.',
    expectCategories: ['running'],
    steps: [
      { action: 'search', query: 'trail running shoes' },
      { action: 'view', productId: 'running-002' },
      { action: 'view', productId: 'running-003' },
      { action: 'click', productId: 'running-007' },
      { action: 'add', productId: 'running-002' },
      { action: 'view', productId: 'running-015' },
      { action: 'search', query: 'running headlamp' },
      { action: 'view', productId: 'running-019' },
      { action: 'add', productId: 'running-021' },
    ],
  },
  {
    id: 'home-cook',
    name: 'Home cook',
    summary: 'Looks at cast iron, a Dutch oven and good knives.',
    expectCategories: ['kitchen'],
    steps: [
      { action: 'search', query: 'cast iron pan' },
      { action: 'view', productId: 'kitchen-001' },
      { action: 'view', productId: 'kitchen-003' },
      { action: 'click', productId: 'kitchen-007' },
      { action: 'add', productId: 'kitchen-008' },
      { action: 'view', productId: 'kitchen-004' },
      { action: 'search', query: 'knife sharpener' },
      { action: 'view', productId: 'kitchen-017' },
      { action: 'add', productId: 'kitchen-017' },
    ],
  },
  {
    id: 'audiophile',
    name: 'Audiophile',
    summary: 'Compares headphones, then moves on to vinyl.',
    expectCategories: ['audio'],
    steps: [
      { action: 'search', query: 'noise cancelling headphones' },
      { action: 'view', productId: 'audio-001' },
      { action: 'view', productId: 'audio-002' },
      { action: 'click', productId: 'audio-016' },
      { action: 'add', productId: 'audio-016' },
      { action: 'view', productId: 'audio-010' },
      { action: 'search', query: 'vinyl record' },
      { action: 'view', productId: 'audio-020' },
      { action: 'add', productId: 'audio-020' },
    ],
  },
  {
    id: 'new-parent',
    name: 'New parent',
    summary: 'Needs a stroller, a carrier and safe-sleep basics.',
    expectCategories: ['baby'],
    steps: [
      { action: 'search', query: 'baby stroller' },
      { action: 'view', productId: 'baby-001' },
      { action: 'view', productId: 'baby-003' },
      { action: 'click', productId: 'baby-004' },
      { action: 'add', productId: 'baby-004' },
      { action: 'view', productId: 'baby-008' },
      { action: 'search', query: 'swaddle sleep bag' },
      { action: 'view', productId: 'baby-013' },
      { action: 'add', productId: 'baby-013' },
    ],
  },
  {
    id: 'hiker',
    name: 'Weekend hiker',
    summary: 'Plans a hut-to-hut trip: tent, boots and a stove.',
    expectCategories: ['hiking'],
    steps: [
      { action: 'search', query: 'two person tent' },
      { action: 'view', productId: 'hiking-001' },
      { action: 'view', productId: 'hiking-003' },
      { action: 'click', productId: 'hiking-007' },
      { action: 'add', productId: 'hiking-007' },
      { action: 'view', productId: 'hiking-013' },
      { action: 'search', query: 'water filter' },
      { action: 'add', productId: 'hiking-021' },
    ],
  },
  {
    id: 'coffee-lover',
    name: 'Coffee lover',
    summary: 'Upgrades to espresso, then buys beans and a kettle.',
    expectCategories: ['coffee'],
    steps: [
      { action: 'search', query: 'espresso machine' },
      { action: 'view', productId: 'coffee-002' },
      { action: 'view', productId: 'coffee-004' },
      { action: 'click', productId: 'coffee-012' },
      { action: 'add', productId: 'coffee-012' },
      { action: 'search', query: 'pour over coffee' },
      { action: 'view', productId: 'coffee-007' },
      { action: 'add', productId: 'coffee-009' },
    ],
  },
];
