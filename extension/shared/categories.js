// The purposes a user can block or strip, with their names in the settings UI. The wire names are
// the core's (taxonomy.rs); content delivery is never blocked, so it is not offered.
export const CHOOSABLE_CATEGORIES = [
  ['advertising', 'Advertising'],
  ['analytics', 'Analytics'],
  ['social', 'Social networks'],
  ['fingerprinting', 'Fingerprinting'],
  ['session_replay', 'Session replay'],
  ['personalization', 'Personalization / A-B testing'],
  ['tag_manager', 'Tag managers'],
  ['customer_interaction', 'Chat and support widgets'],
  ['audio_video', 'Audio and video players'],
  ['consent', 'Consent banners'],
];
