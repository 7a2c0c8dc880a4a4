/**
 * The Slipway SDK: an app's access to the platform's services (Datastore, Images, Users, URL
 * fetch, Push, Messaging, Tasks) from a sealed instance. Start at {@link dev.slipway.sdk.Slipway}.
 */
package dev.slipway.sdk;
